package main

/*
#include <stdlib.h>
#include "redisclient.h"
typedef const char rc_cchar;
typedef const char *const rc_ckey;
typedef const size_t rc_csize;
typedef const double rc_cdouble;
*/
import "C"

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// django-redis's sorted sets (core/zset.go), and the value codec they need:
// members are stored bytes, written by rc_encode_values and read by
// rc_decode_values.

func zaddOptions(flags C.int) core.ZAddOptions {
	return core.ZAddOptions{
		NX: flags&C.RC_ZADD_NX != 0, XX: flags&C.RC_ZADD_XX != 0, CH: flags&C.RC_ZADD_CH != 0,
		GT: flags&C.RC_ZADD_GT != 0, LT: flags&C.RC_ZADD_LT != 0,
	}
}

//export rcgo_zadd
func rcgo_zadd(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, members *C.rc_ckey, memberLens *C.rc_csize, scores *C.rc_cdouble, n C.size_t, flags C.int, version C.int, result *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_zadd", h, errOut, func(cl *client) (C.int, error) {
		setInt64(result, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		ms, err := stringsOf("members", (**C.rc_cchar)(unsafe.Pointer(members)), memberLens, n)
		if err != nil {
			return 0, err
		}
		if n > 0 && scores == nil {
			return 0, fmt.Errorf("%w: scores is NULL with n = %d", errInvalidArgument, uint64(n))
		}
		zs := make([]core.ZMember, len(ms))
		if n > 0 {
			for i, s := range unsafe.Slice(scores, uint64(n)) {
				zs[i] = core.ZMember{Member: []byte(ms[i]), Score: float64(s)}
			}
		}
		count, err := view(cl, version).ZAdd(cl.ctx, k, zs, zaddOptions(flags))
		if err != nil {
			return 0, err
		}
		setInt64(result, count)
		return C.RC_OK, nil
	})
}

//export rcgo_zadd_incr
func rcgo_zadd_incr(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, member *C.rc_cchar, memberLen C.size_t, score C.double, flags C.int, version C.int, result *C.double, errOut **C.char) C.int {
	return withClient("rc_zadd_incr", h, errOut, func(cl *client) (C.int, error) {
		setDouble(result, 0)
		k, m, err := keyMember(key, keyLen, member, memberLen)
		if err != nil {
			return 0, err
		}
		got, applied, err := view(cl, version).ZAddIncr(cl.ctx, k, core.ZMember{Member: m, Score: float64(score)}, zaddOptions(flags))
		if err != nil || !applied {
			return C.RC_MISS, err
		}
		setDouble(result, got)
		return C.RC_OK, nil
	})
}

//export rcgo_zincrby
func rcgo_zincrby(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, amount C.double, member *C.rc_cchar, memberLen C.size_t, version C.int, result *C.double, errOut **C.char) C.int {
	return withClient("rc_zincrby", h, errOut, func(cl *client) (C.int, error) {
		setDouble(result, 0)
		k, m, err := keyMember(key, keyLen, member, memberLen)
		if err != nil {
			return 0, err
		}
		got, err := view(cl, version).ZIncrBy(cl.ctx, k, float64(amount), m)
		if err != nil {
			return 0, err
		}
		setDouble(result, got)
		return C.RC_OK, nil
	})
}

func keyMember(key *C.rc_cchar, keyLen C.size_t, member *C.rc_cchar, memberLen C.size_t) (string, []byte, error) {
	k, err := stringOf("key", key, keyLen)
	if err != nil {
		return "", nil, err
	}
	m, err := bytesOf("member", member, memberLen)
	return k, m, err
}

func setDouble(p *C.double, f float64) {
	if p != nil {
		*p = C.double(f)
	}
}

// bounds are the NUL-terminated min and max of the range verbs.
func bounds(min, max *C.rc_cchar) (string, string, error) {
	if min == nil || max == nil {
		return "", "", fmt.Errorf("%w: min or max is NULL", errInvalidArgument)
	}
	return C.GoString((*C.char)(unsafe.Pointer(min))), C.GoString((*C.char)(unsafe.Pointer(max))), nil
}

//export rcgo_zcard
func rcgo_zcard(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, n *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_zcard", h, errOut, func(cl *client) (C.int, error) {
		setInt64(n, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		count, err := view(cl, version).ZCard(cl.ctx, k)
		if err != nil {
			return 0, err
		}
		setInt64(n, count)
		return C.RC_OK, nil
	})
}

//export rcgo_zcount
func rcgo_zcount(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, min, max *C.rc_cchar, version C.int, n *C.int64_t, errOut **C.char) C.int {
	return zbounds("rc_zcount", (*core.Cache).ZCount, h, key, keyLen, min, max, version, n, errOut)
}

//export rcgo_zremrangebyscore
func rcgo_zremrangebyscore(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, min, max *C.rc_cchar, version C.int, n *C.int64_t, errOut **C.char) C.int {
	return zbounds("rc_zremrangebyscore", (*core.Cache).ZRemRangeByScore, h, key, keyLen, min, max, version, n, errOut)
}

func zbounds(op string, fn func(*core.Cache, context.Context, string, string, string) (int64, error), h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, min, max *C.rc_cchar, version C.int, n *C.int64_t, errOut **C.char) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		setInt64(n, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		lo, hi, err := bounds(min, max)
		if err != nil {
			return 0, err
		}
		count, err := fn(view(cl, version), cl.ctx, k, lo, hi)
		if err != nil {
			return 0, err
		}
		setInt64(n, count)
		return C.RC_OK, nil
	})
}

//export rcgo_zpopmax
func rcgo_zpopmax(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, count C.int64_t, version C.int, out **C.rc_scored, n *C.size_t, errOut **C.char) C.int {
	return zlist("rc_zpopmax", h, key, keyLen, version, out, n, errOut, func(c *core.Cache, cl *client, k string) ([]core.ZMember, error) {
		return c.ZPopMax(cl.ctx, k, int64(count))
	})
}

//export rcgo_zpopmin
func rcgo_zpopmin(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, count C.int64_t, version C.int, out **C.rc_scored, n *C.size_t, errOut **C.char) C.int {
	return zlist("rc_zpopmin", h, key, keyLen, version, out, n, errOut, func(c *core.Cache, cl *client, k string) ([]core.ZMember, error) {
		return c.ZPopMin(cl.ctx, k, int64(count))
	})
}

//export rcgo_zrange
func rcgo_zrange(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, start, stop C.int64_t, desc C.int, version C.int, out **C.rc_scored, n *C.size_t, errOut **C.char) C.int {
	return zlist("rc_zrange", h, key, keyLen, version, out, n, errOut, func(c *core.Cache, cl *client, k string) ([]core.ZMember, error) {
		return c.ZRange(cl.ctx, k, int64(start), int64(stop), desc != 0)
	})
}

//export rcgo_zrangebyscore
func rcgo_zrangebyscore(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, min, max *C.rc_cchar, offset, count C.int64_t, rev C.int, version C.int, out **C.rc_scored, n *C.size_t, errOut **C.char) C.int {
	return zlist("rc_zrangebyscore", h, key, keyLen, version, out, n, errOut, func(c *core.Cache, cl *client, k string) ([]core.ZMember, error) {
		lo, hi, err := bounds(min, max)
		if err != nil {
			return nil, err
		}
		return c.ZRangeByScore(cl.ctx, k, lo, hi, int64(offset), int64(count), rev != 0)
	})
}

// zlist is the frame of the calls that answer scored members.
func zlist(op string, h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, out **C.rc_scored, n *C.size_t, errOut **C.char,
	fn func(c *core.Cache, cl *client, k string) ([]core.ZMember, error)) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		if err := required("out or n", out == nil || n == nil); err != nil {
			return 0, err
		}
		*out, *n = nil, 0
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		got, err := fn(view(cl, version), cl, k)
		if err != nil {
			return 0, err
		}
		*out, *n = scoredArray(got), C.size_t(len(got))
		return C.RC_OK, nil
	})
}

// scoredArray lays out members as listArray lays out strings: n
// rc_scored, then the bytes, in one malloc.
func scoredArray(ms []core.ZMember) *C.rc_scored {
	head := C.size_t(len(ms)) * C.size_t(unsafe.Sizeof(C.rc_scored{}))
	size := head
	for _, m := range ms {
		size += C.size_t(len(m.Member) + 1)
	}
	block := C.malloc(max(size, 1))
	items := unsafe.Slice((*C.rc_scored)(block), len(ms))
	data := unsafe.Slice((*byte)(block), uint64(size))[head:]
	for i, m := range ms {
		copy(data, m.Member)
		data[len(m.Member)] = 0
		items[i] = C.rc_scored{data: (*C.char)(unsafe.Pointer(&data[0])), len: C.size_t(len(m.Member)), score: C.double(m.Score)}
		data = data[len(m.Member)+1:]
	}
	return (*C.rc_scored)(block)
}

//export rcgo_zrank
func rcgo_zrank(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, member *C.rc_cchar, memberLen C.size_t, version C.int, rank *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_zrank", h, errOut, func(cl *client) (C.int, error) {
		setInt64(rank, 0)
		k, m, err := keyMember(key, keyLen, member, memberLen)
		if err != nil {
			return 0, err
		}
		r, found, err := view(cl, version).ZRank(cl.ctx, k, m)
		if err != nil || !found {
			return C.RC_MISS, err
		}
		setInt64(rank, r)
		return C.RC_OK, nil
	})
}

//export rcgo_zscore
func rcgo_zscore(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, member *C.rc_cchar, memberLen C.size_t, version C.int, score *C.double, errOut **C.char) C.int {
	return withClient("rc_zscore", h, errOut, func(cl *client) (C.int, error) {
		setDouble(score, 0)
		k, m, err := keyMember(key, keyLen, member, memberLen)
		if err != nil {
			return 0, err
		}
		s, found, err := view(cl, version).ZScore(cl.ctx, k, m)
		if err != nil || !found {
			return C.RC_MISS, err
		}
		setDouble(score, s)
		return C.RC_OK, nil
	})
}

//export rcgo_zrem
func rcgo_zrem(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, members *C.rc_ckey, memberLens *C.rc_csize, n C.size_t, version C.int, removed *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_zrem", h, errOut, func(cl *client) (C.int, error) {
		setInt64(removed, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		ms, err := stringsOf("members", (**C.rc_cchar)(unsafe.Pointer(members)), memberLens, n)
		if err != nil {
			return 0, err
		}
		bs := make([][]byte, len(ms))
		for i, m := range ms {
			bs[i] = []byte(m)
		}
		count, err := view(cl, version).ZRem(cl.ctx, k, bs...)
		if err != nil {
			return 0, err
		}
		setInt64(removed, count)
		return C.RC_OK, nil
	})
}

// ---- The value codec ----------------------------------------------------------

//export rcgo_encode_values
func rcgo_encode_values(h *C.rc_client, jsons *C.rc_ckey, jsonLens *C.rc_csize, n C.size_t, serialized C.int, out **C.rc_buf, errOut **C.char) C.int {
	return withClient("rc_encode_values", h, errOut, func(cl *client) (C.int, error) {
		if err := required("out", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		texts, err := stringsOf("jsons", (**C.rc_cchar)(unsafe.Pointer(jsons)), jsonLens, n)
		if err != nil {
			return 0, err
		}
		c := cl.cache.Codec()
		encoded := make([]string, len(texts))
		for i, t := range texts {
			v, err := codec.UnmarshalValueJSON([]byte(t))
			if err != nil {
				return 0, fmt.Errorf("%w: jsons[%d]: %w", errInvalidArgument, i, err)
			}
			var b []byte
			if serialized != 0 {
				b, err = c.EncodeSerialized(v)
			} else {
				b, err = c.Encode(v)
			}
			if err != nil {
				return 0, fmt.Errorf("jsons[%d]: encoding: %w", i, err)
			}
			encoded[i] = string(b)
		}
		*out = listArray(encoded)
		return C.RC_OK, nil
	})
}

//export rcgo_decode_values
func rcgo_decode_values(h *C.rc_client, data *C.rc_ckey, lens *C.rc_csize, n C.size_t, out **C.rc_buf, errOut **C.char) C.int {
	return withClient("rc_decode_values", h, errOut, func(cl *client) (C.int, error) {
		if err := required("out", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		raw, err := stringsOf("data", (**C.rc_cchar)(unsafe.Pointer(data)), lens, n)
		if err != nil {
			return 0, err
		}
		c := cl.cache.Codec()
		texts := make([]string, len(raw))
		for i, b := range raw {
			v, err := c.Decode([]byte(b))
			if err != nil {
				return 0, fmt.Errorf("data[%d]: decoding: %w", i, err)
			}
			js, err := codec.MarshalValueJSON(v)
			if err != nil {
				return 0, err
			}
			texts[i] = string(js)
		}
		*out = listArray(texts)
		return C.RC_OK, nil
	})
}

//export rcgo_compress_values
func rcgo_compress_values(h *C.rc_client, data *C.rc_ckey, lens *C.rc_csize, n C.size_t, out **C.rc_buf, errOut **C.char) C.int {
	return codecCall("rc_compress_values", h, data, lens, n, out, errOut, func(c *codec.Codec, b []byte) ([]byte, error) {
		return c.Compress(b)
	})
}

//export rcgo_decompress_values
func rcgo_decompress_values(h *C.rc_client, data *C.rc_ckey, lens *C.rc_csize, n C.size_t, out **C.rc_buf, errOut **C.char) C.int {
	return codecCall("rc_decompress_values", h, data, lens, n, out, errOut, func(c *codec.Codec, b []byte) ([]byte, error) {
		return c.Decompress(b)
	})
}

// codecCall applies fn to n buffers, the answers in one rc_buf array.
func codecCall(op string, h *C.rc_client, data *C.rc_ckey, lens *C.rc_csize, n C.size_t, out **C.rc_buf, errOut **C.char, fn func(*codec.Codec, []byte) ([]byte, error)) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		if err := required("out", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		in, err := stringsOf("data", (**C.rc_cchar)(unsafe.Pointer(data)), lens, n)
		if err != nil {
			return 0, err
		}
		c := cl.cache.Codec()
		done := make([]string, len(in))
		for i, b := range in {
			r, err := fn(c, []byte(b))
			if err != nil {
				return 0, fmt.Errorf("data[%d]: %w", i, err)
			}
			done[i] = string(r)
		}
		*out = listArray(done)
		return C.RC_OK, nil
	})
}
