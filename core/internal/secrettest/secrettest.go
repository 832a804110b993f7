// Package secrettest holds the tests' checks that a password shows in
// nothing printed: core's and core/config's tests share them.
package secrettest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

// forbidden is every form in which the password p could show: as written,
// percent-encoded either way, hex-encoded (%x), and each piece of it that a
// '/', '?', '#', '@', ':', '%' or '&' could cut off (lower-cased, since the
// host is).
func forbidden(p string) []string {
	forms := []string{p, url.QueryEscape(p), url.PathEscape(p), hex.EncodeToString([]byte(p))}
	for _, piece := range strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune("/?#@:%&", r) }) {
		if len(piece) >= 5 {
			forms = append(forms, piece)
		}
	}
	return forms
}

// NoSecret fails when out, printed at where, shows any form of p.
func NoSecret(t testing.TB, where, out, p string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, form := range forbidden(p) {
		if strings.Contains(lower, strings.ToLower(form)) {
			t.Fatalf("%s shows %q (of the password %q): %s", where, form, p, out)
		}
	}
}

// printings are the ways a value is printed by accident.
func printings(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10.3v"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln("x", v)
	if js, err := json.Marshal(v); err == nil {
		out["json"] = string(js)
	} else {
		out["json"] = err.Error()
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("settings", "v", v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("settings", "v", v)
	out["slog text"], out["slog json"] = text.String(), js.String()
	return out
}

// PrintsMasked prints v, a pointer to it, and containers of it every
// way, and finds the password in none.
func PrintsMasked[T any](t testing.TB, v T, p string) {
	t.Helper()
	type holder struct {
		Held T
		Ptr  *T
	}
	for name, w := range map[string]any{
		"value": v, "pointer": &v, "slice": []T{v}, "map": map[string]T{"k": v}, "struct": holder{v, &v},
	} {
		for how, out := range printings(w) {
			NoSecret(t, fmt.Sprintf("%T as %s (%s)", v, how, name), out, p)
		}
	}
}
