// A Node program that shares a Django service's cache with no native code:
// the npm `redis` client speaks the wire, and redisclient's WebAssembly
// module reads the CACHES entry, names the keys as Django does and encodes
// and decodes the values with the entry's serializer and compressor.
// Stores a value for 60 seconds, reads it back and prints it: Django's
// cache.get('greeting') then returns {'text': ..., 'visits': 1}.
//
//     cd wasm/js && npm ci && node example.mjs ENTRY.json
//
// ENTRY.json is one CACHES entry of a single server, as settings.py has it
// (examples/caches/standalone.json, its ${VAR}s written out). resolve()
// masks passwords: for an ACL user or TLS, give the client its credentials
// yourself. test/cluster.test.mjs shows a cluster through createCluster.
import fs from 'node:fs';
import { createClient, commandOptions } from 'redis';
import { load } from './index.mjs';

if (process.argv.length !== 3) {
  console.error(`usage: node ${process.argv[1]} ENTRY.json`);
  process.exit(2);
}
const entry = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const m = await load();
const settings = m.resolve(entry);
if (settings.mode !== 'standalone' || settings.unix_socket_path) {
  console.error(`this example speaks to one TCP server; the entry is ${settings.mode}`);
  process.exit(2);
}
const client = createClient({ socket: { host: settings.host, port: settings.port }, database: settings.db });
await client.connect();
const codec = m.codec(entry);
try {
  const key = m.makeKey(entry, 'greeting');
  await client.set(key, codec.encode({ text: 'hello from WebAssembly', visits: 1 }), { EX: 60 });
  const stored = await client.get(commandOptions({ returnBuffers: true }), key);
  console.log(`${key} = ${JSON.stringify(codec.decode(stored))} (${stored.length} bytes stored, ttl ${await client.ttl(key)} s)`);
} finally {
  codec.close();
  await client.quit();
}
