package core_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// clearServers are the kinds the clear tests run on: one server, and a
// cluster, where clear scans every primary.
var clearServers = []string{"standalone", "cluster"}

// A service of the clear tests: its cache and the full keys it wrote.
type clService struct {
	prefix string
	cache  *core.Cache
	keys   []string
}

// clVersions are written by every service: clear removes them all.
var clVersions = []int{1, 2, -3, 10}

func clOpen(t *testing.T, kind serverKind, prefix string) *clService {
	t.Helper()
	s := &clService{prefix: prefix, cache: open(t, kind.entry(t, prefix))}
	t.Cleanup(func() { // by name, one by one (many slots): clear is under test
		for _, k := range s.keys {
			_ = s.cache.Client().Del(context.Background(), k).Err()
		}
	})
	return s
}

// write stores each key in every version; its full keys are remembered.
func (s *clService) write(t *testing.T, keys []string) {
	t.Helper()
	ctx := context.Background()
	s.keys = s.keys[:0]
	for _, v := range clVersions {
		view := s.cache.Version(v)
		for _, k := range keys {
			require.NoError(t, view.Set(ctx, k, []byte(s.prefix), core.DefaultExpiry))
			s.keys = append(s.keys, view.MakeKey(k))
		}
	}
}

// present counts the service's full keys still in Redis (one by one: the
// keys lie in many slots).
func (s *clService) present(t *testing.T) []string {
	t.Helper()
	var left []string
	for _, k := range s.keys {
		n, err := s.cache.Client().Exists(context.Background(), k).Result()
		require.NoError(t, err)
		if n == 1 {
			left = append(left, k)
		}
	}
	return left
}

// clClears checks one clear: every key of mine is gone and counted, every
// key of the other is still there.
func clClears(t *testing.T, label string, mine, other *clService) {
	t.Helper()
	removed, err := mine.cache.Clear(context.Background())
	require.NoError(t, err, label)
	require.Empty(t, mine.present(t), "%s: clear of %q left its own keys", label, mine.prefix)
	require.Equal(t, other.keys, other.present(t), "%s: clear of %q removed keys of %q", label, mine.prefix, other.prefix)
	require.EqualValues(t, len(mine.keys), removed, "%s: clear of %q counted other than its keys", label, mine.prefix)
}

// clPair writes both services' keys, clears one, checks, and the same the
// other way round.
func clPair(t *testing.T, kind serverKind, label, p1, p2 string, keys []string) {
	t.Helper()
	a, b := clOpen(t, kind, p1), clOpen(t, kind, p2)
	a.write(t, keys)
	b.write(t, keys)
	clClears(t, label, a, b)
	a.write(t, keys)
	clClears(t, label, b, a)
}

// The faults of the glob that django-redis's escaping left open: a backslash
// in the prefix escaped the next character of the pattern.
func TestCacheClearBackslashPrefix(t *testing.T) {
	for _, name := range clearServers {
		t.Run(name, func(t *testing.T) {
			kind := ctKind(t, name)
			id := ctNonce(t)
			for _, p := range [][2]string{
				{`svc\`, "svc"}, // "svc\:*" matched "svc:..." and not "svc\:..."
				{`a\b`, "ab"},   // "a\b:*" matched "ab:..."
				{`x\*`, "x*"},   // "x\*:*" matched "x*:..." and not "x\*:..."
				{`y\`, `y\\`},
				{`[z]`, "z"},
				{`w[^a-c]`, "wb"},
				{"v?", "vv"},
				{"u*", "uu"},
			} {
				label := fmt.Sprintf("%q beside %q", p[0], p[1])
				t.Run(p[0], func(t *testing.T) {
					clPair(t, kind, label, "cl-"+id+"-"+p[0], "cl-"+id+"-"+p[1], []string{"k", "k:2"})
				})
			}
		})
	}
}

// Keys of a prefix that extends ours ("svc:a:...") are not ours.
func TestCacheClearNestedPrefix(t *testing.T) {
	for _, name := range clearServers {
		t.Run(name, func(t *testing.T) {
			kind := ctKind(t, name)
			base := "cl-" + ctNonce(t)
			for _, p2 := range []string{base + ":a", base + ":", base + "::", base + ":01", base + ":-0", base + ":1a", base + ":-"} {
				t.Run(p2, func(t *testing.T) {
					clPair(t, kind, fmt.Sprintf("%q beside %q", base, p2), base, p2, []string{"k", "1:k"})
				})
			}
		})
	}
}

// clAlphabet is what the random prefixes are made of: every character
// Redis's glob gives a meaning to, the key separator, cluster hash tags,
// white space and non-ASCII.
var clAlphabet = []string{`\`, "*", "?", "[", "]", "^", "-", ":", "{", "}", " ", "\n", "é", "😀", "a", "b", "1"}

func clRandomPrefix(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(7); n > 0; n-- { // 0: the empty prefix
		b.WriteString(clAlphabet[r.IntN(len(clAlphabet))])
	}
	return b.String()
}

// clAmbiguous says whether a key of prefix p2 reads as a key of p1 too:
// p1:VERSION:rest with VERSION an int as Python writes it. Such a key is
// p1's as much as p2's (cache.get of p1 reads it), so no clear can keep it
// for p2 alone; the pair is not drawn.
func clAmbiguous(p1, p2 string, keys []string) bool {
	own := regexp.MustCompile(`^` + regexp.QuoteMeta(p1) + `:(0|-?[1-9][0-9]*):`)
	for _, v := range clVersions {
		for _, k := range keys {
			if own.MatchString(p2 + ":" + strconv.Itoa(v) + ":" + k) {
				return true
			}
		}
	}
	return false
}

// Two services side by side with random hostile prefixes: after one
// clears, every key of the other is there and none of its own. The seed is
// fixed, and printed; RC_TEST_CLEAR_SEED tries another.
func TestCacheClearRandomPrefixes(t *testing.T) {
	seed := uint64(20240501)
	if s := os.Getenv("RC_TEST_CLEAR_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "RC_TEST_CLEAR_SEED")
		seed = n
	}
	const cases = 40
	for _, name := range clearServers {
		t.Run(name, func(t *testing.T) {
			kind := ctKind(t, name)
			t.Logf("seed %d (RC_TEST_CLEAR_SEED), %d cases", seed, cases)
			r := rand.New(rand.NewPCG(seed, 0))
			drawn, skipped := 0, 0
			for drawn < cases {
				p1 := clRandomPrefix(r)
				var p2 string
				switch r.IntN(3) { // near neighbours, where escaping matters most
				case 0:
					p2 = clRandomPrefix(r)
				case 1:
					p2 = p1 + clRandomPrefix(r)
				default:
					p2 = clRandomPrefix(r) + p1
				}
				keys := []string{clRandomPrefix(r) + "k", "k" + clRandomPrefix(r)}
				if keys[0] == keys[1] {
					keys[1] += "2"
				}
				if p1 == p2 || clAmbiguous(p1, p2, keys) || clAmbiguous(p2, p1, keys) {
					skipped++
					continue
				}
				drawn++
				label := fmt.Sprintf("seed %d case %d: %q beside %q", seed, drawn, p1, p2)
				t.Run(strconv.Itoa(drawn), func(t *testing.T) { clPair(t, kind, label, p1, p2, keys) })
			}
			t.Logf("%d pairs checked, %d ambiguous or equal pairs not drawn", drawn, skipped)
		})
	}
}
