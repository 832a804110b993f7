// Compiled by tsc --noEmit (the node suite): the declarations fit real use.
import { Client, DateTime, Float, NotFoundError, Value, resolve } from '../..';

async function main(): Promise<void> {
  const c = new Client({ BACKEND: 'django_redis.cache.RedisCache', LOCATION: 'redis://127.0.0.1:6379/0' });
  await c.set('k', { when: new DateTime(0, 5, 3600), n: 2n ** 70n, f: new Float(1), b: Buffer.from('x') }, 60);
  const v: Value | null = await c.get('k');
  const d: Value | 'none' = await c.get('k', 'none');
  const n: number | bigint = await c.incr('n', 1, undefined, { ignoreKeyCheck: true });
  const many: Map<string, Value> = await c.getMany(['a', 'b']);
  for await (const key of c.iterKeys('*')) console.log(key);
  const lock = c.lock('L', { timeout: 5 });
  if (await lock.acquire()) await lock.release();
  const ttl: number | null = await c.ttl('k');
  try {
    await c.decr('missing');
  } catch (e) {
    if (e instanceof NotFoundError) console.log(e.status);
  }
  console.log(v, d, n, many, ttl, resolve({ LOCATION: 'redis://127.0.0.1' }).host);
  await c.close();
}
void main;
