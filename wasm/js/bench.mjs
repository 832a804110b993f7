// The module's size, and encode/decode of the same values in WebAssembly
// (under this Node) and natively (wasm/benchnative, the same Go code built
// for the host), case by case in one run. Value JSON in and out on both
// sides. argv: the benchnative binary. BENCHMARKS.md quotes the table.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from './index.mjs';

const native = process.argv[2];
if (!native) throw new Error('usage: node bench.mjs BENCHNATIVE_BINARY');
const wasmPath = fileURLToPath(new URL('../../bin/redisclient.wasm', import.meta.url));

const loc = 'redis://127.0.0.1/0';
const codecs = {
  pickle: { LOCATION: loc },
  'pickle+zlib': { LOCATION: loc, OPTIONS: { COMPRESSOR: 'django_redis.compressors.zlib.ZlibCompressor' } },
  'json+lz4': { LOCATION: loc, OPTIONS: { SERIALIZER: 'django_redis.serializers.json.JSONSerializer', COMPRESSOR: 'django_redis.compressors.lz4.Lz4Compressor' } },
  'msgpack+zstd': { LOCATION: loc, OPTIONS: { SERIALIZER: 'django_redis.serializers.msgpack.MSGPackSerializer', COMPRESSOR: 'django_redis.compressors.zstd.ZStdCompressor' } },
};
const values = {
  'small dict': { user: 'ann', id: 42, tags: ['a', 'b'], active: true },
  'list of 1000 ints': Array.from({ length: 1000 }, (_, i) => i * 7919),
  '100 KB text': { body: 'lorem ipsum dolor sit amet '.repeat(3800) },
  '1000 records': Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `user${i}`, score: i / 3 })),
};

const m = await load({ path: wasmPath });
console.log(`module: ${wasmPath}, ${(statSync(wasmPath).size / 1048576).toFixed(1)} MiB; node ${process.version}`);
console.log('| codec | value | stored B | encode wasm µs | encode native µs | ratio | decode wasm µs | decode native µs | ratio |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');

function rounds(valueJSON) { return Math.max(20, Math.min(5000, Math.floor(2e6 / valueJSON.length))); }

for (const [cname, entry] of Object.entries(codecs)) {
  for (const [vname, value] of Object.entries(values)) {
    const valueJSON = JSON.stringify(value);
    const n = rounds(valueJSON);
    const nat = JSON.parse(execFileSync(native, { input: JSON.stringify({ entry, value, n }), encoding: 'utf8' }));
    const c = m.codec(entry);
    let stored;
    for (let i = 0; i < Math.min(n, 50); i++) c.decodeJSON(c.encode(valueJSON)); // warm-up
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) stored = c.encode(valueJSON);
    const enc = Number(process.hrtime.bigint() - t) / n;
    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) c.decodeJSON(stored);
    const dec = Number(process.hrtime.bigint() - t) / n;
    c.close();
    const us = (ns) => (ns / 1000).toFixed(1);
    console.log(`| ${cname} | ${vname} | ${stored.length} | ${us(enc)} | ${us(nat.encode_ns)} | ${(enc / nat.encode_ns).toFixed(1)}x | ${us(dec)} | ${us(nat.decode_ns)} | ${(dec / nat.decode_ns).toFixed(1)}x |`);
  }
}
