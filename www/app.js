// The demo admin page of certcentral-wasm. Static ES modules, no framework, no build step.
// Every value from the API or a CSV file is rendered through textContent (see dom.js).
// The API key lives only in the password field and inside the client: it is never stored,
// put in a URL or logged.
//
// This file wires the views (views/: connection, used codes, voucher order and reissues,
// subaccount orders, CSV import) and starts the page; what they share is in state.js,
// alerts.js, form.js and results.js; the URL's hash names the view shown (route.js), so the page
// opens with the view of its hash (default: the first page of used codes).
import { setBadge, connect, wireConnection } from './views/connection.js';
import { wireUsedCodes } from './views/used-codes.js';
import { wireVoucherOrder, wireReissues } from './views/voucher.js';
import { wireOrders } from './views/orders.js';
import { wireCsvImport } from './views/csv-import.js';
import { wireTabs } from './tabs.js';
import { pickTab, startRoutes, wireRoutes } from './route.js';
import { showError, showUncaught } from './alerts.js';
import { state } from './state.js';

showUncaught();
wireConnection();
wireTabs(pickTab);
wireUsedCodes();
wireVoucherOrder();
wireReissues();
wireOrders();
wireCsvImport();
wireRoutes();

/** Where the server has the built package (its type: state.js). */
const PACKAGE_URL = '/pkg/index.js';

// Start: load the package, connect to the default (the proxy on this origin), show the hash's view.
async function start() {
  try {
    /** @type {import('./state.js').Package} */
    const pkg = await import(PACKAGE_URL);
    state.pkg = pkg;
    await pkg.init();
  } catch (e) {
    state.pkg = null;
    setBadge('off', 'Package missing');
    showError('Loading certcentral-wasm from /pkg/ failed (run scripts/build.sh?)', e);
    return;
  }
  document.body.dataset.ready = 'true';
  await startRoutes(Boolean(await connect()));
}
start();
