package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The replica pair and the Sentinel set are what the LOCATION-list and
// Sentinel entries connect to; this checks that testenv built them as
// those tests expect: each replica follows its primary, and every sentinel
// names the primary and knows the replica and the other sentinels.
func TestEnvironmentReplicasAndSentinels(t *testing.T) {
	ctx := context.Background()
	for _, pair := range [][2]string{
		{env(t, "RC_TEST_PAIR_PRIMARY"), env(t, "RC_TEST_PAIR_REPLICA")},
		{env(t, "RC_TEST_SENTINEL_PRIMARY"), env(t, "RC_TEST_SENTINEL_REPLICA")},
	} {
		primary, replica := clPlainClient(t, pair[0]), clPlainClient(t, pair[1])
		key := "testenv-" + ctNonce(t)
		require.NoError(t, primary.Set(ctx, key, "v", time.Minute).Err())
		require.NoError(t, primary.Do(ctx, "WAIT", 1, 2000).Err())
		got, err := replica.Get(ctx, key).Result()
		require.NoError(t, err, "replica %s of %s", pair[1], pair[0])
		require.Equal(t, "v", got)
		role, err := replica.Do(ctx, "ROLE").Slice()
		require.NoError(t, err)
		require.Equal(t, "slave", role[0])
	}
	service := env(t, "RC_TEST_SENTINEL_SERVICE")
	for _, addr := range strings.Split(env(t, "RC_TEST_SENTINELS"), ",") {
		s := clPlainClient(t, addr)
		master, err := s.Do(ctx, "SENTINEL", "get-master-addr-by-name", service).StringSlice()
		require.NoError(t, err, "sentinel %s", addr)
		require.Equal(t, env(t, "RC_TEST_SENTINEL_PRIMARY"), master[0]+":"+master[1])
		// RESP3: the master's fields come as a map.
		info, err := s.Do(ctx, "SENTINEL", "master", service).Result()
		require.NoError(t, err)
		fields, ok := info.(map[any]any)
		require.True(t, ok, "SENTINEL MASTER answered %T", info)
		require.Equal(t, "1", fields["num-slaves"], "sentinel %s", addr)
		require.Equal(t, "2", fields["num-other-sentinels"], "sentinel %s", addr)
	}
}
