package core_test

import (
	"context"
	"testing"

	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	for _, k := range serverKinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			c := open(t, k.entry(t, "smoke"))
			require.NoError(t, c.Set(ctx, "a", []byte("1"), core.DefaultExpiry))
			v, ok, err := c.Get(ctx, "a")
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "1", string(v))
			n, err := c.Incr(ctx, "a", 5)
			require.NoError(t, err)
			require.EqualValues(t, 6, n)
			added, err := c.Add(ctx, "a", []byte("x"), core.DefaultExpiry)
			require.NoError(t, err)
			require.False(t, added)
			m, err := c.GetMany(ctx, []string{"a", "b", "c"})
			require.NoError(t, err)
			require.Len(t, m, 1)
			_, err = c.Clear(ctx)
			require.NoError(t, err)
			h, err := c.Health(ctx)
			require.NoError(t, err)
			require.Equal(t, "good", h.Status)
		})
	}
}
