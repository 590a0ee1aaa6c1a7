//! Used-codes CSV export parser (issue 3). Placeholder: being written.
