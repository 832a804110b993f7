package core_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/redisclient/redisclient/core"
)

// GetEach answers each key as Get does: values, misses, and on a cluster
// keys spread over every node, in the order asked, with a key asked twice
// answered twice.
func TestGetEachAnswersAsGet(t *testing.T) {
	ctx := context.Background()
	for _, k := range serverKinds() {
		t.Run(k.name, func(t *testing.T) {
			c := open(t, k.entry(t, "geteach-"+k.name))
			var keys []string
			for i := range 40 {
				key := fmt.Sprintf("k%d", i)
				keys = append(keys, key)
				if i%3 != 0 {
					if err := c.Set(ctx, key, []byte("value of "+key), core.ExpireSeconds(60)); err != nil {
						t.Fatal(err)
					}
				}
			}
			keys = append(keys, "k1", "k3")
			got := c.GetEach(ctx, keys)
			if len(got) != len(keys) {
				t.Fatalf("%d answers for %d keys", len(got), len(keys))
			}
			for i, key := range keys {
				v, ok, err := c.Get(ctx, key)
				if err != nil || got[i].Err != nil {
					t.Fatalf("%s: Get error %v, GetEach error %v", key, err, got[i].Err)
				}
				if ok != got[i].Found || string(v) != string(got[i].Value) {
					t.Errorf("%s: Get %q %v, GetEach %q %v", key, v, ok, got[i].Value, got[i].Found)
				}
			}
		})
	}
}

// A closed cache fails every key with ErrClosed; a key that is not the
// right type for GET fails alone, with the server's error.
func TestGetEachErrorsPerKey(t *testing.T) {
	ctx := context.Background()
	e := entry("redis://"+env(t, "RC_TEST_STANDALONE")+"/0", "geteach-errors", nil)
	c := open(t, e)
	if err := c.Set(ctx, "fine", []byte("v"), core.ExpireSeconds(60)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HSet(ctx, "hash", map[string][]byte{"f": []byte("v")}); err != nil {
		t.Fatal(err)
	}
	got := c.GetEach(ctx, []string{"fine", "hash", "missing"})
	if got[0].Err != nil || !got[0].Found || string(got[0].Value) != "v" {
		t.Errorf("fine: %+v", got[0])
	}
	if got[1].Err == nil || got[1].Found {
		t.Errorf("a hash read as a string: %+v", got[1])
	}
	if got[2].Err != nil || got[2].Found {
		t.Errorf("missing: %+v", got[2])
	}
	c.Close()
	for i, g := range c.GetEach(ctx, []string{"fine", "missing"}) {
		if !errors.Is(g.Err, core.ErrClosed) {
			t.Errorf("key %d after Close: %v, want ErrClosed", i, g.Err)
		}
	}
}
