/**
 * docs/driver.md states the driver boundary from the contract itself: its generated blocks are
 * what protocol.ts and the reference node's status mapping say now, and every error name a node
 * sends is one the harness maps back to the engine's class.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { DOC_FILE, ERROR_NAMES, protocolInterfaces, regenerate } from './driver-doc';
import { ProtocolError } from './errors';
import { errorFromBody } from './node-client';

test('driver doc: the generated blocks match protocol.ts and the node (regenerate with driver-doc.ts --write)', async () => {
  const doc = fs.readFileSync(DOC_FILE, 'utf8');
  assert.equal(await regenerate(doc), doc);
});

test('driver doc: every exported interface and field of protocol.ts is in the document', () => {
  const doc = fs.readFileSync(DOC_FILE, 'utf8');
  const interfaces = protocolInterfaces();
  for (const name of ['DeploymentConfig', 'ShardRecord', 'WriteRequest', 'StatusResponse', 'StateResponse'])
    assert.ok(interfaces.has(name), name);
  for (const [name, fields] of interfaces) {
    assert.ok(doc.includes(`#### \`${name}\``), name);
    for (const f of fields) assert.ok(doc.includes(`\`${f.name}\``), `${name}.${f.name}`);
  }
});

test('driver doc: every error name a node refuses with comes back as the engine class of that name', () => {
  for (const name of ERROR_NAMES) {
    const err = errorFromBody({ error: { name, message: 'm' } }, 409, 'eu-west');
    assert.equal(err.name, name);
    assert.equal(err.constructor.name, name, `${name} is mapped to its class`);
    assert.equal(err.message, 'm');
  }
  // A name the engine has no class of is a ProtocolError, even one every object answers to.
  for (const name of ['NoSuchError', 'constructor', 'toString'])
    assert.ok(
      errorFromBody({ error: { name, message: 'm' } }, 409, 'eu-west') instanceof ProtocolError,
      name,
    );
});
