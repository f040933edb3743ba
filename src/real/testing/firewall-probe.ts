/**
 * Run inside a private network namespace by firewall.real.test.ts: two TCP servers on 127.0.0.2 and
 * 127.0.0.3, and which of them can reach the other while the Firewall cuts, cuts one way,
 * drops at random and heals. Prints one JSON line of what it saw.
 */
import * as net from 'node:net';
import { Firewall } from '../firewall';

function serve(host: string): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer((c) => c.end(host));
    s.listen(7400, host, () => resolve(s));
  });
}

function reaches(from: string, to: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: to, port: 7400, localAddress: from });
    let got = '';
    c.setTimeout(300, () => {
      c.destroy();
      resolve(false);
    });
    c.on('data', (b) => (got += String(b)));
    c.on('end', () => resolve(got === to));
    c.on('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const servers = [await serve('127.0.0.2'), await serve('127.0.0.3')];
  const fw = new Firewall();
  const seen: Record<string, unknown> = {};
  const look = async (label: string): Promise<void> => {
    seen[label] = {
      a2b: await reaches('127.0.0.2', '127.0.0.3'),
      b2a: await reaches('127.0.0.3', '127.0.0.2'),
      client: await reaches('127.0.0.1', '127.0.0.3'),
    };
  };
  await look('open');
  const ab = fw.add({ from: '127.0.0.2', to: '127.0.0.3', probability: 1 }, 'cut a→b');
  const ba = fw.add({ from: '127.0.0.3', to: '127.0.0.2', probability: 1 }, 'cut b→a');
  await look('partitioned');
  seen.rulesPartitioned = fw.listing();
  fw.remove(ba, 'heal b→a');
  await look('oneWay');
  fw.remove(ab, 'heal a→b');
  await look('healed');
  seen.rulesHealed = fw.listing();
  fw.add({ from: '127.0.0.2', to: '127.0.0.3', probability: 0.25 }, 'loss');
  seen.rulesLoss = fw.listing();
  fw.tearDown();
  seen.changes = fw.changes.length;
  for (const s of servers) s.close();
  process.stdout.write(`${JSON.stringify(seen)}\n`);
}

void main();
