import { describe, expect, it } from 'vitest';
import { AnswerCache } from '#infra/api/routes/answer-cache.ts';

const answer = (bytes: number) => ({ userId: 'u', body: new Uint8Array(bytes), etag: `"${bytes}"` });

describe('AnswerCache', () => {
  it('drops the least recently used answers once their bytes would pass the limit', () => {
    const cache = new AnswerCache({ entries: 100, bytes: 250 });
    cache.set('a', answer(100));
    cache.set('b', answer(100));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    cache.set('c', answer(100)); // 300 bytes > 250: b, the least recent, goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toEqual({ entries: 2, bytes: 200 });
  });

  it('keeps at most the entry limit however small the answers', () => {
    const cache = new AnswerCache({ entries: 3, bytes: 1_000_000 });
    for (const id of ['a', 'b', 'c', 'd']) cache.set(id, answer(10));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 3, bytes: 30 });
  });

  it('does not keep an answer larger than the whole budget, nor drop others for it', () => {
    const cache = new AnswerCache({ entries: 10, bytes: 100 });
    cache.set('a', answer(50));
    cache.set('huge', answer(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toEqual({ entries: 1, bytes: 50 });
  });

  it('counts a replaced answer once', () => {
    const cache = new AnswerCache({ entries: 10, bytes: 100 });
    cache.set('a', answer(60));
    cache.set('a', answer(40));
    expect(cache.size).toEqual({ entries: 1, bytes: 40 });
  });
});
