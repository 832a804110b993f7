package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The replica pair and the Sentinel sets are what the LOCATION-list and
// Sentinel entries connect to; this checks that testenv built them as
// those tests expect: each replica follows its primary, and every sentinel
// names the primary and knows the replica and the other sentinels.
func TestEnvironmentReplicasAndSentinels(t *testing.T) {
	ctx := context.Background()
	for _, pair := range []struct {
		set              sentinelSet // how to reach the servers
		primary, replica string
	}{
		{plainSentinels, env(t, "RC_TEST_PAIR_PRIMARY"), env(t, "RC_TEST_PAIR_REPLICA")},
		{plainSentinels, plainSentinels.env(t, "_PRIMARY"), plainSentinels.env(t, "_REPLICA")},
		{tlsSentinels, tlsSentinels.env(t, "_PRIMARY"), tlsSentinels.env(t, "_REPLICA")},
	} {
		primary, replica := pair.set.server(t, pair.primary), pair.set.server(t, pair.replica)
		key := "testenv-" + ctNonce(t)
		require.NoError(t, primary.Set(ctx, key, "v", time.Minute).Err())
		require.NoError(t, primary.Do(ctx, "WAIT", 1, 2000).Err())
		got, err := replica.Get(ctx, key).Result()
		require.NoError(t, err, "replica %s of %s", pair.replica, pair.primary)
		require.Equal(t, "v", got)
		role, err := replica.Do(ctx, "ROLE").Slice()
		require.NoError(t, err)
		require.Equal(t, "slave", role[0])
	}
	for _, set := range []sentinelSet{plainSentinels, tlsSentinels} {
		checkSentinels(t, set)
	}
}

func checkSentinels(t *testing.T, set sentinelSet) {
	ctx := context.Background()
	service := set.env(t, "_SERVICE")
	for _, addr := range strings.Split(set.env(t, "S"), ",") {
		s := set.server(t, addr)
		master, err := s.Do(ctx, "SENTINEL", "get-master-addr-by-name", service).StringSlice()
		require.NoError(t, err, "sentinel %s", addr)
		require.Equal(t, set.env(t, "_PRIMARY"), master[0]+":"+master[1])
		// RESP3: the master's fields come as a map.
		info, err := s.Do(ctx, "SENTINEL", "master", service).Result()
		require.NoError(t, err)
		fields, ok := info.(map[any]any)
		require.True(t, ok, "SENTINEL MASTER answered %T", info)
		require.Equal(t, "1", fields["num-slaves"], "sentinel %s", addr)
		require.Equal(t, "2", fields["num-other-sentinels"], "sentinel %s", addr)
	}
}
