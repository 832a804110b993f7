package core

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Which CLUSTER NODES flags degrade a cluster is what django-ansible-base's
// determine_cluster_node_status says of them, run in the project's venv.
func TestFlagsFailedAsTheReference(t *testing.T) {
	flags := []string{"myself,master", "master", "slave", "myself,slave", "slave,fail?", "master,fail",
		"myself,slave,fail", "master,nofailover", "noaddr,slave", "handshake", "master,fail?,noaddr"}
	py := os.Getenv("RC_TEST_PYTHON")
	if py == "" {
		py = filepath.Join("..", "testenv", ".venv", "bin", "python")
	}
	in, err := json.Marshal(flags)
	require.NoError(t, err)
	script := `
import json, sys
from ansible_base.lib.redis.client import determine_cluster_node_status
print(json.dumps([determine_cluster_node_status({"n": {"flags": f}}) for f in json.load(sys.stdin)]))`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	require.NoError(t, err, "the reference in %s (set RC_TEST_PYTHON to testenv/venv.sh's python)", py)
	var want []string
	require.NoError(t, json.Unmarshal(out, &want))
	for i, f := range flags {
		got := "good"
		if flagsFailed(f) {
			got = "degraded"
		}
		require.Equal(t, want[i], got, f)
	}
}
