/**
 * The generated parts of docs/driver.md, made from the contract itself so the document cannot
 * drift from it: every exported interface of src/server/protocol.ts as a table of its fields
 * (name, type, optional, doc comment), its constants and key formats, and the error name →
 * HTTP status table of the reference node (src/server/http.ts `statusOf`).
 * `node -r ts-node/register src/real/driver-doc.ts --write` rewrites the generated blocks;
 * driver-doc.test.ts fails when they are stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import prettier from 'prettier';
import { HttpError, statusOf } from '../server/http';
import {
  FORWARDED_HEADER,
  MAX_BODY_BYTES,
  PROTOCOL_VERSION,
  shardKey,
  topologyKey,
} from '../server/protocol';

export const PROTOCOL_FILE = path.resolve(__dirname, '../server/protocol.ts');
export const DOC_FILE = path.resolve(__dirname, '../../docs/driver.md');

/** The engine's errors a node refuses a client call with (node-client.ts maps each back to its class). */
export const ERROR_NAMES = [
  'InvalidInputError',
  'UnknownSignalError',
  'CrossTenantAccessError',
  'NodeStateError',
  'StaleEpochError',
  'StaleReadError',
  'IdempotencyConflictError',
  'UnavailableError',
];

/** Refusals of the HTTP layer itself, with their own status. */
const HTTP_REFUSALS: [number, string, string][] = [
  [400, 'InvalidInputError', 'the body is not JSON'],
  [404, 'NotFoundError', 'no such route'],
  [405, 'MethodNotAllowedError', 'the route exists with another method'],
  [413, 'InvalidInputError', `the body is larger than ${MAX_BODY_BYTES} bytes`],
];

export interface FieldDoc {
  name: string;
  type: string;
  optional: boolean;
  doc: string;
}

/** The exported interfaces of protocol.ts, in file order, with their fields. */
export function protocolInterfaces(source = fs.readFileSync(PROTOCOL_FILE, 'utf8')): Map<string, FieldDoc[]> {
  const sf = ts.createSourceFile('protocol.ts', source, ts.ScriptTarget.ES2022, true);
  const out = new Map<string, FieldDoc[]>();
  const docOf = (n: ts.Node): string =>
    ts
      .getJSDocCommentsAndTags(n)
      .map((d) => (typeof d.comment === 'string' ? d.comment : ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  sf.forEachChild((node) => {
    if (
      !ts.isInterfaceDeclaration(node) ||
      !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    )
      return;
    const fields: FieldDoc[] = [];
    for (const m of node.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      fields.push({
        name: m.name.getText(sf),
        type: m.type.getText(sf).replace(/\s+/g, ' '),
        optional: m.questionToken !== undefined,
        doc: docOf(m),
      });
    }
    const ext = node.heritageClauses?.map((h) => h.types.map((t) => t.getText(sf)).join(', ')).join(', ');
    if (ext) fields.unshift({ name: `(all of ${ext})`, type: '', optional: false, doc: '' });
    out.set(node.name.text, fields);
  });
  return out;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The generated block of interfaces. */
export function interfacesBlock(): string {
  const parts: string[] = [];
  for (const [name, fields] of protocolInterfaces()) {
    parts.push(`#### \`${name}\`\n`);
    parts.push('| field | type | required | meaning |');
    parts.push('|---|---|---|---|');
    for (const f of fields)
      parts.push(
        `| \`${f.name}\` | ${f.type ? `\`${cell(f.type)}\`` : ''} | ${f.optional ? 'no' : 'yes'} | ${cell(f.doc)} |`,
      );
    parts.push('');
  }
  return parts.join('\n').trimEnd();
}

/** The generated block of constants, keys and error statuses. */
export function factsBlock(): string {
  const lines = [
    `- Protocol version: \`${PROTOCOL_VERSION}\` (a node reports it as \`protocol\` in /v1/status).`,
    `- Largest request body: \`${MAX_BODY_BYTES}\` bytes (\`MAX_BODY_BYTES\`); a larger one is refused with 413 and nothing is applied.`,
    `- A shard's leadership record: \`${shardKey('<clusterId>', 0).replace(/0$/, '<shard>')}\` (JSON \`ShardRecord\`).`,
    `- The topology: \`${topologyKey('<clusterId>')}\` (JSON \`{ regions, shardCount }\`).`,
    `- A call one node forwards to another carries the header \`${FORWARDED_HEADER}\` (\`FORWARDED_HEADER\`); it is never forwarded again.`,
    '',
    '| `error.name` | HTTP status | when |',
    '|---|---|---|',
    ...ERROR_NAMES.map(
      (n) =>
        `| \`${n}\` | ${statusOf(Object.assign(new Error(n), { name: n }))} | the engine refused the call |`,
    ),
    ...HTTP_REFUSALS.map(([status, n, when]) => {
      const got = statusOf(new HttpError(status, n, when));
      return `| \`${n}\` | ${got} | ${when} |`;
    }),
    '| any other | 500 | a bug of the node (its log says which) |',
  ];
  return lines.join('\n');
}

const BLOCKS: Record<string, () => string> = { interfaces: interfacesBlock, facts: factsBlock };

/** `doc` with every generated block made anew, formatted as the repository's prettier does. */
export async function regenerate(doc: string): Promise<string> {
  let out = doc;
  for (const [name, make] of Object.entries(BLOCKS)) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`docs/driver.md has no generated:${name} block`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}${make()}\n${b}`);
  }
  const options = (await prettier.resolveConfig(DOC_FILE)) ?? {};
  return prettier.format(out, { ...options, filepath: DOC_FILE });
}

async function main(): Promise<void> {
  const doc = fs.readFileSync(DOC_FILE, 'utf8');
  const next = await regenerate(doc);
  if (process.argv.includes('--write')) fs.writeFileSync(DOC_FILE, next);
  else if (next !== doc) {
    console.error('docs/driver.md is stale: run node -r ts-node/register src/real/driver-doc.ts --write');
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
