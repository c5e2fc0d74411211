/**
 * The Python SDK's resource signatures (sdk/python/writecarenotes/oncall/_generated.py), written
 * from the OpenAPI document the API publishes, which is built from the zod schemas: one schema
 * source for validation, the document, both SDKs and the IPC contract. Each resource gets
 * explicit keyword-only arguments (a misspelt one is a TypeError before any request), snake_case
 * in Python and sent under the document's names (camelCase under /v1/oncall, as they are under
 * /api/v1), typed with Literal aliases for the schemas' enums and documented from the operations'
 * summaries and the fields' descriptions. The hand-written package keeps the transport, the base
 * classes these extend (_base.py), the public class names and the special cases.
 */
import type { Json } from '../../src-server/openapi/document';

export const GENERATED_PYTHON = 'sdk/python/writecarenotes/oncall/_generated.py';

type Base = 'OnCallResource' | 'OrgResource' | 'ReadableOrgResource';

interface PyOp {
  /** the Python method */
  name: string;
  operationId: string;
  /** for a list: the method that walks every page */
  iterate?: string;
  /** names this operation's enums when it lists another kind of record (a webhook's deliveries) */
  singular?: string;
}

interface PyResource {
  cls: string;
  base: Base;
  /** the path segment after /v1/oncall/ or /api/v1/organizations/{org_id}/ */
  segment: string;
  /** names the resource's enums: CallStatus, ScheduleType */
  singular: string;
  ops: PyOp[];
}

const create = (operationId: string): PyOp => ({ name: 'create', operationId });
const list = (operationId: string): PyOp => ({ name: 'list', operationId, iterate: 'iterate' });
/** create, update and list of `<prefix>` (an operationId without its method) */
const crud = (prefix: string, byId: string): PyOp[] => [create(`post${prefix}`), { name: 'update', operationId: `patch${prefix}${byId}` }, list(`get${prefix}`)];
const resource = (cls: string, base: Base, segment: string, singular: string, ops: PyOp[]): PyResource => ({ cls, base, segment, singular, ops });

/** Which operations the SDK exposes, and as what: the only list here; the rest is the document's. */
const RESOURCES: PyResource[] = [
  resource('Calls', 'OnCallResource', 'calls', 'Call', crud('OncallCalls', 'ById')),
  resource('Schedules', 'OnCallResource', 'schedules', 'Schedule', crud('OncallSchedules', 'ById')),
  resource('Recordings', 'OnCallResource', 'recordings', 'Recording', crud('OncallRecordings', 'ById')),
  resource('ComplianceRecords', 'OnCallResource', 'compliance', 'Compliance', crud('OncallCompliance', 'ById')),
  resource('CallLog', 'ReadableOrgResource', 'calls', 'Call', crud('Calls', 'ByCallId')),
  resource('Tasks', 'ReadableOrgResource', 'tasks', 'Task', [...crud('Tasks', 'ByTaskId'), { name: 'mine', operationId: 'getUsersMeTasks', iterate: 'iterate_mine' }]),
  resource('Patients', 'ReadableOrgResource', 'patients', 'Patient', crud('Patients', 'ByPatientId')),
  resource('Users', 'OrgResource', 'users', 'User', [list('getUsers')]),
  resource('Audit', 'OrgResource', 'audit', 'Audit', [list('getAudit')]),
  resource('Webhooks', 'OrgResource', 'webhooks', 'Webhook', [
    create('postWebhooks'),
    list('getWebhooks'),
    // a webhook's deliveries: their enums are named Delivery…
    { name: 'deliveries', operationId: 'getWebhooksByWebhookIdDeliveries', singular: 'Delivery' },
  ]),
  resource('ApiKeys', 'OrgResource', 'api-keys', 'ApiKey', [create('postApiKeys'), list('getApiKeys')]),
];

/** Query parameters that choose a page: `iterate` walks them itself (it keeps `limit`). */
const PAGING = new Set(['page', 'cursor', 'include_total']);
/** Python keywords, and the names the generated methods take positionally. */
const TAKEN = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self data id'.split(' '),
);

const snake = (wire: string) => wire.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pyName = (wire: string) => (TAKEN.has(snake(wire)) ? `${snake(wire)}_` : snake(wire));
const pascal = (s: string) => s.replace(/(^|[_-])([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());
const py = (s: string) => JSON.stringify(s);

interface Field {
  wire: string;
  name: string;
  schema: Json;
  description?: string;
  required: boolean;
}

interface Method {
  op: PyOp;
  summary: string;
  description?: string;
  kind: 'create' | 'update' | 'list';
  /** the Python expression of the path, for a list other than the collection */
  pathExpr?: string;
  byId: boolean;
  fields: Field[];
  singular: string;
}

function findOperation(doc: Json, operationId: string): { method: string; path: string; op: Json } {
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (op?.operationId === operationId) return { method, path, op };
    }
  }
  throw new Error(`the OpenAPI document has no operation ${operationId}`);
}

const ref = (doc: Json, schema: Json): Json => (schema.$ref ? doc.components.schemas[String(schema.$ref).split('/').pop()!] : schema);

function methodOf(doc: Json, resource: PyResource, pyOp: PyOp): Method {
  const { method, path, op } = findOperation(doc, pyOp.operationId);
  const collection = resource.base === 'OnCallResource' ? `/v1/oncall/${resource.segment}` : `/api/v1/organizations/{org_id}/${resource.segment}`;
  const item = path.startsWith(`${collection}/{`) ? path.slice(collection.length + 1) : null;
  const base = { op: pyOp, summary: String(op.summary ?? ''), description: op.description, singular: pyOp.singular ?? resource.singular };
  if (op.requestBody) {
    const schema = ref(doc, op.requestBody.content['application/json'].schema);
    const required = new Set<string>(schema.required ?? []);
    const fields = Object.entries(schema.properties as Json).map(([wire, s]) => ({ wire, name: pyName(wire), schema: s as Json, description: (s as Json).description, required: required.has(wire) }));
    if (method === 'post' && path === collection) return { ...base, kind: 'create', byId: false, fields };
    if (method === 'patch' && item && !item.includes('/')) return { ...base, kind: 'update', byId: true, fields };
    throw new Error(`${pyOp.operationId}: only POST to a collection and PATCH of an item take a body here`);
  }
  const fields = ((op.parameters ?? []) as Json[])
    .filter((p) => p.in === 'query')
    .map((p) => ({ wire: p.name, name: pyName(p.name), schema: p.schema as Json, description: p.description ?? p.schema?.description, required: Boolean(p.required) }));
  if (method !== 'get') throw new Error(`${pyOp.operationId}: only lists and bodies are generated`);
  if (path === collection) return { ...base, kind: 'list', byId: false, fields };
  if (item?.includes('/')) return { ...base, kind: 'list', byId: true, fields, pathExpr: `self._path(id, ${py(item.slice(item.indexOf('/')))})` };
  if (!path.includes('{')) return { ...base, kind: 'list', byId: false, fields, pathExpr: py(path) };
  throw new Error(`${pyOp.operationId}: ${path} is neither the collection, below an item, nor a fixed path`);
}

/** A string enum of "true"/"false" is a boolean query parameter: Python passes True/False. */
const isBooleanEnum = (values: unknown[]) => values.length === 2 && values.includes('true') && values.includes('false');

interface EnumUse {
  values: string[];
  field: string;
  singular: string;
  method: string;
}

function pyType(schema: Json, use: Omit<EnumUse, 'values'>, enumType: (u: EnumUse) => string): string {
  let type: string;
  if (schema.anyOf || schema.oneOf) {
    const branches = (schema.anyOf ?? schema.oneOf) as Json[];
    type = branches.every((b) => b.type === 'string' && !b.format) ? 'str' : 'Any';
  } else if (Array.isArray(schema.enum)) {
    type = isBooleanEnum(schema.enum) ? 'bool' : enumType({ ...use, values: schema.enum.map(String) });
  } else if (schema.type === 'string') {
    type = schema.format === 'date-time' ? 'When' : schema.format === 'date' ? 'Day' : 'str';
  } else if (schema.type === 'array') {
    type = `List[${pyType(schema.items ?? {}, { ...use, field: use.field.replace(/s$/, '') }, enumType)}]`;
  } else {
    type = ({ integer: 'int', number: 'float', boolean: 'bool', object: 'Json' } as Record<string, string>)[schema.type] ?? 'Any';
  }
  return schema.nullable ? `Optional[${type}]` : type;
}

/**
 * One Literal alias per distinct enum: `<Record><Field>` when one kind of record uses it
 * (CallStatus, ScheduleType), `<Field>` when several share it (Region, Priority). Two enums that
 * would share a name (a call's status on create is a subset) keep it for the larger; the other is
 * named after the methods using it (CallCreateStatus).
 */
function nameEnums(uses: EnumUse[]): Map<string, string> {
  const groups = new Map<string, EnumUse[]>();
  for (const u of uses) groups.set(JSON.stringify(u.values), [...(groups.get(JSON.stringify(u.values)) ?? []), u]);
  const byBase = new Map<string, string[]>();
  const baseOf = (g: EnumUse[]) => {
    const singulars = new Set(g.map((u) => u.singular));
    return (singulars.size === 1 ? g[0]!.singular : '') + pascal(g[0]!.field);
  };
  for (const [key, g] of groups) byBase.set(baseOf(g), [...(byBase.get(baseOf(g)) ?? []), key]);
  const names = new Map<string, string>();
  for (const [base, keys] of byBase) {
    keys.sort((a, b) => JSON.parse(b).length - JSON.parse(a).length || a.localeCompare(b));
    keys.forEach((key, i) => {
      const g = groups.get(key)!;
      const methods = [...new Set(g.map((u) => pascal(u.method)))].join('');
      names.set(key, i === 0 ? base : `${g[0]!.singular}${methods}${pascal(g[0]!.field)}`);
    });
  }
  if (new Set(names.values()).size !== names.size) throw new Error(`enum names collide: ${[...names.values()].join(', ')}`);
  return names;
}

const docstring = (lines: string[], indent: string) => {
  const text = lines.join('\n').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  const body = text.split('\n').map((l, i) => (i === 0 || !l ? l : indent + l)).join('\n');
  return `${indent}"""${body}${lines.length > 1 ? `\n${indent}` : ''}"""`;
};

function renderMethod(m: Method, iterate: boolean, type: (f: Field, method: string) => string): string {
  const name = iterate ? m.op.iterate! : m.op.name;
  const fields = iterate ? m.fields.filter((f) => !PAGING.has(snake(f.wire))) : m.fields;
  const head = ['self', ...(m.byId ? ['id: str'] : []), ...(m.kind === 'list' ? [] : ['data: Optional[Json] = None'])];
  const positional = m.byId || m.kind !== 'list' ? [...head, '/'] : head;
  const keywords = fields.map((f) => `${f.name}: ${type(f, m.op.name)} = NOT_GIVEN`);
  const params = [...positional, ...(keywords.length ? ['*', ...keywords] : [])];
  const returns = iterate ? 'Iterator[Record]' : m.kind === 'list' ? 'Page' : 'Record';
  const doc = [iterate ? `${m.summary}: every item, page after page (following the cursor).` : `${m.summary}.`];
  if (m.description) doc.push('', String(m.description));
  const required = fields.filter((f) => f.required).map((f) => `\`\`${f.name}\`\``);
  const described = fields.filter((f) => f.description);
  if (required.length || described.length) doc.push('');
  if (required.length) doc.push(`Required by the API: ${required.join(', ')}.`);
  for (const f of described) doc.push(`:param ${f.name}: ${f.description}`);
  const given = 'self._fields(locals())';
  const call =
    m.kind === 'create'
      ? `self._create(data, ${given})`
      : m.kind === 'update'
        ? `self._update(id, data, ${given})`
        : m.pathExpr
          ? `self._${iterate ? 'iterate' : 'page'}_at(${m.pathExpr}, ${given})`
          : `self._${iterate ? 'iterate' : 'list'}(${given})`;
  return [
    `    def ${name}(`,
    ...params.map((p) => `        ${p},`),
    `    ) -> ${returns}:`,
    docstring(doc, '        '),
    `        return ${call}`,
  ].join('\n');
}

const HEADER = `# Generated by scripts/generate-python-sdk.ts (\`npm run build:sdk:python\`) from the OpenAPI
# document the API publishes at /docs/json, which is built from the zod schemas in
# src-shared/schemas. Do not edit: change the schemas (or the generator's resource list) and run
# it again; test/sdk/python-generated.test.ts fails while this file differs from its output.
#
# It repeats itself by shape on purpose: every method spells out its keyword arguments (a list
# and its iterate share most of them) so that IDEs and type checkers see real signatures.`;

export function generatePythonSdk(doc: Json): string {
  const resources = RESOURCES.map((r) => ({ r, methods: r.ops.map((op) => methodOf(doc, r, op)) }));
  const uses: EnumUse[] = [];
  const collect = (u: EnumUse) => (uses.push(u), '');
  const each = (fn: (m: Method, f: Field) => void) => resources.forEach(({ methods }) => methods.forEach((m) => m.fields.forEach((f) => fn(m, f))));
  each((m, f) => pyType(f.schema, { field: f.name, singular: m.singular, method: m.op.name }, collect));
  const names = nameEnums(uses);
  const type = (m: Method) => (f: Field) => pyType(f.schema, { field: f.name, singular: m.singular, method: m.op.name }, (u) => names.get(JSON.stringify(u.values))!);

  const aliases = [...new Map(uses.map((u) => [names.get(JSON.stringify(u.values))!, u.values])).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, values]) => `${name} = Literal[${values.map(py).join(', ')}]`);
  const classes = resources.map(({ r, methods }) => {
    const wire = new Map<string, string>();
    for (const f of methods.flatMap((m) => m.fields)) {
      if (wire.has(f.name) && wire.get(f.name) !== f.wire) throw new Error(`${r.cls}: ${f.name} stands for both ${wire.get(f.name)} and ${f.wire}`);
      wire.set(f.name, f.wire);
    }
    const renamed = [...wire].filter(([name, w]) => name !== w).sort(([a], [b]) => a.localeCompare(b));
    const ids = methods.map((m) => m.op.operationId).join(', ');
    const body = [
      `class ${r.cls}Api(${r.base}):`,
      docstring([`The signatures of operations ${ids}.`], '    '),
      ...(renamed.length ? ['', '    _WIRE = {', ...renamed.map(([n, w]) => `        ${py(n)}: ${py(w)},`), '    }'] : []),
    ];
    for (const m of methods) {
      body.push('', renderMethod(m, false, type(m)));
      if (m.op.iterate) body.push('', renderMethod(m, true, type(m)));
    }
    return body.join('\n');
  });
  const code = [...aliases, ...classes].join('\n');
  const used = (names: string[]) => names.filter((n) => new RegExp(`\\b${n}\\b`).test(code)).join(', ');
  return [
    HEADER,
    '"""Typed keyword-only signatures of the resources, generated from the OpenAPI document."""',
    `from typing import ${used(['Any', 'Iterator', 'List', 'Literal', 'Optional'])}`,
    '',
    `from ._base import ${used(['NOT_GIVEN', 'Day', 'Json', 'OnCallResource', 'OrgResource', 'ReadableOrgResource', 'When'])}`,
    `from ._models import ${used(['Page', 'Record'])}`,
    '',
    ...aliases,
    '',
    ...classes.map((c) => `\n${c}\n`),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n\n')
    .replace(/\n+$/, '\n');
}
