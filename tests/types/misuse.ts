// Must NOT compile: each line marked `// error:` is a misuse the typings must catch.
// The test checks that tsc reports an error on exactly these lines.
import { createClient } from 'certcentral-wasm';

export async function misuse(): Promise<void> {
  const client = await createClient({ apiKey: 'k' });
  await createClient({ apiKey: 42 }); // error: apiKey is a string
  await createClient({ region: 'asia' }); // error: region is "us" | "eu"
  await createClient({ baseURL: 'https://x' }); // error: unknown option (baseUrl)
  await client.listSubaccountOrders({ sort: 'password' }); // error: not a sort key
  await client.listSubaccountOrders({ filters: { id: 'abc' } }); // error: id is a number
  await client.listSubaccountOrders({ filters: { date_created: { since: '2023-01-01' } } }); // error: date filter shape
  await client.listSubaccountOrders({ limt: 10 }); // error: unknown query field
  const list = await client.listUsedVoucherCodes();
  const n: string = list.codes[0].certificate_order_id; // error: a number (or null), not a string
  const s: string = list.codes[0].cert_validity_start_date; // error: may be null
  await client.listOrderReissues(1, { show_archived: true }); // error: the option is showArchived
  await client.getVoucherOrder(); // error: the id is required
  void [n, s];
}
