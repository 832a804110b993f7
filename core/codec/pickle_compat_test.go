package codec

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fix_imports tables are Python's own (_compat_pickle of the venv's
// Python, read during the test).
func TestCompatNames(t *testing.T) {
	out, err := exec.Command(python(t), "-c", `import json, _compat_pickle as c
g = lambda m: sorted([list(k) + list(v) for k, v in m.items()])
print(json.dumps([g(c.NAME_MAPPING), sorted(c.IMPORT_MAPPING.items()), g(c.REVERSE_NAME_MAPPING), sorted(c.REVERSE_IMPORT_MAPPING.items())]))`).Output()
	require.NoError(t, err)
	var want [4][][]string
	require.NoError(t, json.Unmarshal(out, &want))
	for i, m := range map[int]map[Global]Global{0: fromPy2Globals, 2: toPy2Globals} {
		got := map[Global]Global{}
		for _, r := range want[i] {
			got[Global{r[0], r[1]}] = Global{r[2], r[3]}
		}
		require.Equal(t, got, m, "table %d", i)
	}
	for i, m := range map[int]map[string]string{1: fromPy2Modules, 3: toPy2Modules} {
		got := map[string]string{}
		for _, r := range want[i] {
			got[r[0]] = r[1]
		}
		require.Equal(t, got, m, "table %d", i)
	}
}
