package config_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core/config"
)

func lookupIn(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestExpandEnv(t *testing.T) {
	vars := map[string]string{
		"HOST":    "127.0.0.1:6379",
		"EMPTY":   "",
		"HOSTILE": `p"ss\word` + "\n" + `", "KEY_PREFIX": "x`,
		"DOLLAR":  "${HOST}",
	}
	for _, tc := range []struct{ in, want string }{
		{`{"LOCATION": "redis://${HOST}/0"}`, `{"LOCATION": "redis://127.0.0.1:6379/0"}`},
		{`{"a": "${MISSING:-10.0.0.1}"}`, `{"a": "10.0.0.1"}`},
		{`{"a": "${EMPTY:-dflt}"}`, `{"a": "dflt"}`},
		{`{"a": "${HOST:-dflt}"}`, `{"a": "127.0.0.1:6379"}`},
		{`{"a": "${MISSING:-}"}`, `{"a": ""}`},
		{`{"a": "${EMPTY}"}`, `{"a": ""}`},
		{`{"a": "${MISSING:-a\"b}"}`, `{"a": "a\"b"}`},
		// A value is inserted once, never expanded again.
		{`{"a": "${DOLLAR}"}`, `{"a": "${HOST}"}`},
		{`{"a": "$${HOST} $HOST $ {HOST} a$"}`, `{"a": "${HOST} $HOST $ {HOST} a$"}`},
		{`{"a": "\"${HOST}\\"}`, `{"a": "\"127.0.0.1:6379\\"}`},
		{`{"a": 1}`, `{"a": 1}`},
	} {
		got, err := config.ExpandEnv([]byte(tc.in), lookupIn(vars))
		if err != nil || string(got) != tc.want {
			t.Errorf("ExpandEnv(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}

	// Quotes, backslashes and newlines in a value are escaped: the value is
	// the string's whole content, and adds no key.
	got, err := config.ExpandEnv([]byte(`{"PASSWORD": "${HOSTILE}"}`), lookupIn(vars))
	if err != nil {
		t.Fatal(err)
	}
	var parsed map[string]string
	if err := json.Unmarshal(got, &parsed); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if len(parsed) != 1 || parsed["PASSWORD"] != vars["HOSTILE"] {
		t.Errorf("hostile value read back as %q", parsed)
	}
}

func TestExpandEnvErrors(t *testing.T) {
	for _, tc := range []struct{ in, want, secret string }{
		{`{"a": "${ONE}", "b": "${HOST}", "c": "${TWO}", "d": "${ONE}"}`, "environment variables not set: ONE, TWO", ""},
		{`{"a": ${HOST}}`, "${HOST} at line 1, column 7 is outside a JSON string", ""},
		{"{\n  \"PASSWORD\": \"pa${ss-secret\"\n}", "at line 2, column 18 has no closing brace", "ss-secret"},
		{`{"PASSWORD": "a${pa ss}"}`, "at line 1, column 16: not a variable name", "pa ss"},
		{`{"a": "${1X}"}`, "not a variable name", "1X"},
		{`{"a": "${}"}`, "not a variable name", ""},
	} {
		_, err := config.ExpandEnv([]byte(tc.in), lookupIn(map[string]string{"HOST": "h"}))
		if !errors.Is(err, config.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ExpandEnv(%s): %v; want ErrConfig with %q", tc.in, err, tc.want)
			continue
		}
		if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("ExpandEnv(%s): %q shows the text of the reference", tc.in, err)
		}
	}
}

// nil reads the process environment; ParseEntry itself expands nothing.
func TestExpandEnvProcessEnvironment(t *testing.T) {
	t.Setenv("RC_EXPAND_TEST_PREFIX", "from-env")
	text := []byte(`{"LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "${RC_EXPAND_TEST_PREFIX}"}`)
	expanded, err := config.ExpandEnv(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	entry, err := config.ParseEntry(expanded)
	if err != nil || entry.KeyPrefix != "from-env" {
		t.Errorf("expanded entry: %+v, %v", entry, err)
	}
	entry, err = config.ParseEntry(text)
	if err != nil || entry.KeyPrefix != "${RC_EXPAND_TEST_PREFIX}" {
		t.Errorf("ParseEntry expanded a reference by itself: %+v, %v", entry, err)
	}
}
