// Compiled by tsc --noEmit (the node suite): the declarations fit real use.
import { Client, DateTime, Float, LockNotOwnedError, NotFoundError, Scored, Value, expandEnv, resolve } from '../..';

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
  const replaced: boolean | undefined = await c.set('k', 1, 60, undefined, { xx: true });
  const added: boolean = await c.addBytes('raw', Buffer.from('x'));
  const raw: Map<string, Buffer> = await c.getManyBytes(['raw']);
  const failed = await c.setManyBytes({ a: 'x', b: Buffer.from('y') }, null);
  const n2: number = await c.zadd('z', new Map<Value, number>([[1, 1.5], ['a', 2]]), { ch: true });
  const score: number | null = await c.zadd('z', { a: 1 }, { incr: true, xx: true });
  const members: Value[] = await c.zrange('z', 0, -1);
  const scored: Scored[] = await c.zrangebyscore('z', '-inf', 5, { start: 0, num: 2, withScores: true });
  const top: Scored | null = await c.zpopmax('z');
  const rank: [number, number] | null = await c.zrank('z', 'a', { withScore: true });
  const removed: number = await c.zrem('z', ['a', 1]);
  try {
    await lock.reacquire();
  } catch (e) {
    if (e instanceof LockNotOwnedError) console.log(e.status);
  }
  console.log(replaced, added, raw, failed, n2, score, members, scored, top, rank, removed, JSON.parse(expandEnv('{}')));
  try {
    await c.decr('missing');
  } catch (e) {
    if (e instanceof NotFoundError) console.log(e.status);
  }
  console.log(v, d, n, many, ttl, resolve({ LOCATION: 'redis://127.0.0.1' }).host);
  await c.close();
}
void main;
