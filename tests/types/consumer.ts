// Must compile under `tsc --strict`: the package used as its typings describe it.
import {
  createClient,
  parseUsedVoucherCodesCsv,
  parseUsedVoucherCodesCsvColumns,
  UsedVoucherCodesCsvParser,
  CertCentralError,
  init,
  recordsToCsv,
  neutraliseCsv,
  type CsvWriteOptions,
  type SubaccountOrder,
  type UsedVoucherCode,
  type Page,
  type CertCentralErrorKind,
  type UsedVoucherCodeColumns,
} from 'certcentral-wasm';

export async function main(): Promise<void> {
  await init();
  const client = await createClient({
    apiKey: 'k',
    baseUrl: 'http://127.0.0.1:8787/services/v2',
    timeoutMs: 5000,
    maxRetries: 1,
    headers: { 'X-Trace': '1' },
    onRequest: (ev) => console.log(ev.method, ev.url, ev.attempt, ev.headers['Accept']),
    onResponse: (ev) => console.log(ev.status, ev.durationMs),
    rateLimit: [{ max: 10, windowMs: 1000 }],
  });
  const eu = await createClient({ region: 'eu', rateLimit: false });
  void eu;

  const used = await client.listUsedVoucherCodes({
    filters: { date_valid_till: { after: '2023-01-01' }, product_name_id: 'ssl_basic' },
    sort: ['-id'],
    limit: 100,
  });
  const code: UsedVoucherCode = used.codes[0];
  const n: number | null = code.certificate_order_id;
  const s: string | null = code.cert_validity_start_date;
  const id: number = code.id;
  const page: Page | undefined = used.page;
  void [n, s, id, page];

  const csv: string = await client.exportUsedVoucherCodesCsv({ filters: { voucher_order_id: 1 } });
  const order = await client.getVoucherOrder(25252);
  const can: boolean | null = order.can_cancel;
  const productId: string | null = order.codes[0].product_name_id;
  void [csv, can, productId];

  const reissues = await client.listOrderReissues('12345', { showArchived: true, dedupeBySerial: true });
  const archived: boolean | null = reissues.certificates[0].archived;
  void archived;

  const ac = new AbortController();
  const list = await client.listSubaccountOrders(
    { filters: { status: 'issued', date_created: '2023-01-01...2023-12-31' }, sort: ['-date_created', 'id'], offset: 0, limit: 1000 },
    { signal: ac.signal, timeoutMs: 1000 },
  );
  const total: number = list.page.total;
  const cn: string | null | undefined = list.orders[0].certificate?.common_name;
  void [total, cn];

  for await (const o of client.iterateSubaccountOrders({ limit: 500 })) {
    const so: SubaccountOrder = o;
    void so;
    break;
  }
  const some: SubaccountOrder[] = await client.collectSubaccountOrders({ max: 2500, filters: { account_type: 'retail' } });
  void some;

  const parsed = await parseUsedVoucherCodesCsv(new Uint8Array(), {
    collectErrors: true,
    onProgress: (p) => console.log(p.bytes, p.total, p.rows),
  });
  const rows: UsedVoucherCode[] = parsed.records;
  const firstBad: CertCentralError | undefined = parsed.errors[0];
  void [rows, firstBad?.line];

  const out: CsvWriteOptions = { columns: ['id', 'certificate.common_name'], raw: false };
  const csvOut: string = await recordsToCsv(rows, { columns: 'used_code' }) + await recordsToCsv([], out) + await neutraliseCsv('a\r\n');
  void csvOut;
  // @ts-expect-error: not a record kind
  void recordsToCsv(rows, { columns: 'certificates' });

  const { columns } = await parseUsedVoucherCodesCsvColumns(new Blob(['']), { chunkSize: 4096 });
  const cols: UsedVoucherCodeColumns = columns;
  const licenses: number = cols.server_licenses.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
  const orgs: (string | null)[] = cols.cert_organization;
  const codes0: string = cols.value[0] ?? '';
  void [licenses, orgs, codes0, cols.length, cols.id.length];

  const stream = new UsedVoucherCodesCsvParser({ collectErrors: false });
  const got: UsedVoucherCode[] = [...stream.push('id,value\n'), ...stream.finish()];
  void [got, stream.bytesConsumed, stream.rowsEmitted];

  try {
    await client.getVoucherOrder(1);
  } catch (e) {
    if (e instanceof CertCentralError) {
      const kind: CertCentralErrorKind = e.kind;
      const status: number | null = e.status;
      const codes: string[] = e.errors.map((x) => x.code);
      void [kind, status, codes, e.retryAfterMs, e.url, e.line, e.column];
    }
  }
}
