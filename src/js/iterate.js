// The async iterator of client.iterateSubaccountOrders, for src/js/client.rs: the pager's
// pages, one order at a time.
//
// Nothing here throws into wasm: iteratePages only makes the generator, whose body runs when
// the caller iterates, in the caller's JS frames. `pages.next()` is the pager's own method (a
// promise of the next page's orders, undefined after the last); an error found before the
// first page (`error`) is thrown from the first `next()`. However the iteration ends
// (finished, `break`, a rejected page), the pager is closed and its wasm memory freed.

/**
 * The pager the Rust side hands over (its exported class).
 * @typedef {object} Pages
 * @property {() => Promise<unknown[] | undefined>} next the next page's orders
 * @property {() => void} close stops paging (aborts a page in flight)
 * @property {() => void} free frees the pager's wasm memory
 */

/**
 * @param {Pages} pages the pager (null when `error` is set)
 * @param {unknown} error thrown by the first `next()` instead of paging, unless null
 * @returns {AsyncGenerator<unknown, void, undefined>}
 */
export function iteratePages(pages, error) {
  return (async function* () {
    if (error) throw error;
    try {
      for (;;) {
        const orders = await pages.next();
        if (orders === undefined) return;
        yield* orders;
      }
    } finally {
      pages.close();
      pages.free();
    }
  })();
}
