/**
 * The run's etcd: started on free loopback ports with a temp data dir, answering the etcd3
 * client, and gone with its files after stop. Without Debian's etcd, reports itself skipped.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { ETCD_BIN, sharedEtcd, stopSharedEtcd } from './etcd-server';
import { INSTALL_HINT } from './prerequisites';

test('etcd: one server per run, answering on loopback, removed with its data dir on stop', async (t) => {
  if (!fs.existsSync(ETCD_BIN)) return t.skip(`no etcd at ${ETCD_BIN}; ${INSTALL_HINT}`);
  const etcd = await sharedEtcd();
  try {
    assert.equal(await sharedEtcd(), etcd, 'the second caller gets the same server');
    assert.match(etcd.clientUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(etcd.version(), /^3\./);
    const client = new Etcd3({ hosts: etcd.clientUrl });
    try {
      await client.put('/tidal/test/key').value('v');
      assert.equal(await client.get('/tidal/test/key').string(), 'v');
    } finally {
      client.close();
    }
  } finally {
    await stopSharedEtcd();
  }
  assert.equal(fs.existsSync(etcd.dataDir), false, 'data dir removed');
  assert.throws(() => process.kill(etcd.pid!, 0), 'the etcd process is gone');
});
