/**
 * The garbage the API fuzz (test/api/fuzz.test.ts, via fuzz-cases.ts) puts into requests: values
 * of the wrong type, hostile strings, odd numbers and dates, broken JSON and percent-encoding.
 */

export const WRONG_TYPES: unknown[] = [0, -1, 1.5, 1e308, true, false, [], [1, 'two'], {}, { nested: { x: 1 } }, '', 'x', null];

export const UNICODE = [
  'Zoë Ångström',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧪🩺📞',
  '\u202Eevil\u202C',
  'nul\u0000byte',
  '\ud800 lone surrogate',
  'e\u0301\u0301\u0301 combining',
  '\uFEFFbom',
  'ＡＢＣ１２３',
  '<script>alert(1)</script>',
  "'; DROP TABLE calls;--",
  '%s%n%x',
  '../../etc/passwd',
  '   ',
  '\t\n\r\u2028\u2029',
  '🧪'.repeat(2000),
];

export const NAN_ISH = ['NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x1F', '1_000', ' 1 ', '', 'null', 'undefined', 'true', '٣', '1,5'];

/** Number literals that JSON.stringify cannot write: spliced into the body text. */
export const RAW_NUMBERS = ['1e400', '-1e400', '-0', '9007199254740993', '1e-400', '0.1e1', '123456789012345678901234567890'];

export const RAW_BODIES: (string | Uint8Array)[] = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '[',
  '""',
  '"just a string"',
  '123',
  'true',
  'nul',
  '{"a":"\\x"}',
  '{"a":"\\ud800"}',
  '0'.repeat(5000),
  `{"a":${'1'.repeat(5000)}}`,
  '{"a":1}\u0000',
  '{"a":1',
  '{"a" 1}',
  '{"__proto__":',
  new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // {"a":"<overlong />"}
];

export const ODD_CONTENT_TYPES = [
  'text/plain',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  ';;',
  'application/',
  'application/json, text/plain',
  'text/json',
  'application/vnd.api+json',
  'application/json; boundary="',
];

export const ODD_DATES = [
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '0001-01-01',
  '9999-12-31',
  '+275760-09-13',
  '2024-01-01T25:00:00Z',
  '2024-01-01T00:00:00+99:99',
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-23:59',
  '2024-01-01T00:00:00.000000000000000000001Z',
  'yesterday',
  '1700000000',
];

export const ODD_NUMBERS = ['1e400', '99999999999999999999999', '9007199254740993', '-1', '0', '-0', '1.5', '0x10', ' 7', '', 'NaN', 'Infinity', '1e6', '1000001'];

export const PERCENT_GARBAGE = ['%', '%Z', '%ZZ', '%C0%AF', '%00', '%E2%82', '%FF%FE', '%25%', '+%2B', '%u0041', '%%%'];

export const ODD_PATH_IDS = [
  'not-a-uuid',
  '..',
  '%2e%2e',
  '%2F',
  'null',
  '0',
  '-1',
  '1e9',
  'a'.repeat(201),
  'a'.repeat(3000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '%ZZ',
  '%00',
  '%C0%AF',
  encodeURIComponent('ünïcödé'),
  encodeURIComponent('🧪'),
  encodeURIComponent("'; drop table calls--"),
  '{org_id}',
];

/** Byte strings only: fetch refuses header values outside latin-1 or with CR, LF, NUL or DEL. */
export const ODD_REQUEST_IDS = ['', ' ', 'a'.repeat(65), 'a'.repeat(4000), '../../etc', '<script>', 'id with spaces', 'ÿþ', '%00', 'ok-id.1'];
