package core

import (
	"context"
	"fmt"

	"github.com/redisclient/redisclient/core/codec"
)

// The value methods read and write Python values the way django-redis does
// for this entry: integers as digits, anything else through its SERIALIZER
// and COMPRESSOR (core/codec has the mapping of Python types to Go). A value
// Django stored is read as the object Django's cache.get returns, and a value
// written here is read by Django as that object.

// Codec is the entry's serializer and compressor, for values read or
// written outside these methods.
func (c *Cache) Codec() *codec.Codec { return c.conn.codec }

// GetValue returns the decoded value and true, or nil and false on a miss.
func (c *Cache) GetValue(ctx context.Context, key string) (codec.Value, bool, error) {
	raw, ok, err := c.getString(ctx, key)
	if err != nil || !ok {
		return nil, ok, err
	}
	v, err := c.conn.codec.DecodeString(raw)
	if err != nil {
		return nil, false, fmt.Errorf("get %q: decoding: %w", key, err)
	}
	return v, true, nil
}

// SetValue encodes and stores a value; see Set. The encoded bytes are the
// codec's reused buffer (EncodeWith): Set has written them to the server
// when it returns, and nothing keeps them.
func (c *Cache) SetValue(ctx context.Context, key string, v codec.Value, exp Expiry) error {
	var setErr error
	if err := c.conn.codec.EncodeWith(v, func(raw []byte) error {
		setErr = c.Set(ctx, key, raw, exp)
		return nil
	}); err != nil {
		return fmt.Errorf("set %q: encoding: %w", key, err)
	}
	return setErr
}

// AddValue encodes and stores a value if the key is absent; see Add. The
// encoded bytes are reused once Add returns, as in SetValue.
func (c *Cache) AddValue(ctx context.Context, key string, v codec.Value, exp Expiry) (bool, error) {
	var added bool
	var addErr error
	if err := c.conn.codec.EncodeWith(v, func(raw []byte) error {
		added, addErr = c.Add(ctx, key, raw, exp)
		return nil
	}); err != nil {
		return false, fmt.Errorf("add %q: encoding: %w", key, err)
	}
	return added, addErr
}

// GetManyValues returns the decoded values of the keys that exist.
func (c *Cache) GetManyValues(ctx context.Context, keys []string) (map[string]codec.Value, error) {
	raw, err := c.getMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	values := make(map[string]codec.Value, len(raw))
	for k, b := range raw {
		v, err := c.conn.codec.DecodeString(b)
		if err != nil {
			return nil, fmt.Errorf("get_many %q: decoding: %w", k, err)
		}
		values[k] = v
	}
	return values, nil
}

// GetLoadable is GetValue for a host that has Python's pickle.loads (see
// codec.DecodeLoadable): a pickle of built-in data comes as itself. The
// result shares the reply's memory: read it, never write it.
func (c *Cache) GetLoadable(ctx context.Context, key string) (codec.Loadable, bool, error) {
	raw, ok, err := c.getString(ctx, key)
	if err != nil || !ok {
		return codec.Loadable{}, ok, err
	}
	l, err := c.conn.codec.DecodeLoadable(raw)
	if err != nil {
		return codec.Loadable{}, false, fmt.Errorf("get %q: decoding: %w", key, err)
	}
	return l, true, nil
}

// GetManyLoadable is GetManyValues as GetLoadable reads each value.
func (c *Cache) GetManyLoadable(ctx context.Context, keys []string) (map[string]codec.Loadable, error) {
	raw, err := c.getMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	got := make(map[string]codec.Loadable, len(raw))
	for k, b := range raw {
		if got[k], err = c.conn.codec.DecodeLoadable(b); err != nil {
			return nil, fmt.Errorf("get_many %q: decoding: %w", k, err)
		}
	}
	return got, nil
}

// SetManyValues encodes and stores every value; see SetMany.
func (c *Cache) SetManyValues(ctx context.Context, items map[string]codec.Value, exp Expiry) error {
	raw := make(map[string][]byte, len(items))
	for k, v := range items {
		b, err := c.conn.codec.Encode(v)
		if err != nil {
			return fmt.Errorf("set_many %q: encoding: %w", k, err)
		}
		raw[k] = b
	}
	return c.SetMany(ctx, raw, exp)
}
