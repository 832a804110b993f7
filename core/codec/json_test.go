package codec

import (
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every escaping rule of json.dumps(ensure_ascii=True), byte for byte
// against Python's own: control characters, DEL, quotes, non-ASCII of the
// BMP and beyond, in runs and alone.
func TestJSONStringEscapesAsPython(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x180; r++ {
		all.WriteRune(r)
	}
	texts := []string{"", "plain text", all.String(), "a\"b\\c\x7fd", "é😀\u2028\uffff", strings.Repeat("lorem \"ipsum\"\n", 50)}
	c := mustCodec(t, serializerPaths["json"], "", nil)
	for _, s := range texts {
		got, err := c.Encode(List{s, Dict{{s, s}}})
		require.NoError(t, err)
		out, err := exec.Command(python(t), "-c", `import sys, json
from django.core.serializers.json import DjangoJSONEncoder
s = bytes.fromhex(sys.argv[1]).decode()
sys.stdout.write(json.dumps([s, {s: s}], cls=DjangoJSONEncoder))`, hex.EncodeToString([]byte(s))).CombinedOutput()
		require.NoError(t, err, string(out))
		require.Equal(t, string(out), string(got))
		back, err := c.Decode(got)
		require.NoError(t, err)
		require.Equal(t, List{s, Dict{{s, s}}}, back)
	}
}
