'use strict';
// Opens a client of the CACHES entry in a JSON file, stores a value for 60
// seconds, counts a visit, reads both back and prints what it wrote.
//
//     npm pack ./node                       # redisclient-VERSION.tgz, in a checkout
//     npm install /path/to/redisclient-VERSION.tgz   # in your project
//     REDISCLIENT_LIBRARY=/path/to/libredisclient.so node example.js entry.json
//
// entry.json is one CACHES entry, as settings.py has it (see examples/caches/);
// ${VAR} references in it are replaced from the environment.

const fs = require('node:fs');
const { Client, Tuple, expandEnv } = require('redisclient');

async function main(entryFile) {
  const entry = JSON.parse(expandEnv(fs.readFileSync(entryFile, 'utf8')));
  const cache = new Client(entry);
  try {
    await cache.set('greeting', 'hello from Node', 60);
    console.log(`greeting = ${await cache.get('greeting')}`);

    // A tuple and an int beyond 2^53 read back as they were written.
    await cache.set('value', { pair: Tuple.from([1, 'two']), big: 2n ** 70n }, 60);
    const value = await cache.get('value');
    console.log(`value = pair ${value.pair instanceof Tuple ? 'Tuple' : 'Array'}(${value.pair}), big ${value.big}`);

    // add() writes only when the key is missing, so a rerun keeps counting.
    await cache.add('visits', 0, 60);
    console.log(`visits = ${await cache.incr('visits')}`);

    // Missing keys are left out.
    console.log(`getMany = ${JSON.stringify(Object.fromEntries(await cache.getMany(['greeting', 'visits', 'nothing'])))}`);
    console.log(`ttl of greeting = ${await cache.ttl('greeting')} s`);
  } finally {
    await cache.close();
  }
}

if (process.argv.length !== 3) {
  console.error(`usage: node ${process.argv[1]} ENTRY.json`);
  process.exit(2);
}
main(process.argv[2]).catch((e) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
