package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// ExpandEnv replaces the environment references in the JSON text of a
// CACHES entry, so that one entry file can serve every deployment: the
// secrets and addresses stay in the environment, where a container or a
// unit file already puts them.
//
//   - ${NAME} is the value of the variable NAME; an unset NAME is an error
//     (silently empty, it would make a valid but wrong address).
//   - ${NAME:-default} is the value of NAME when it is set and not empty,
//     else default (the text up to the closing brace, taken as it is
//     written in the file, JSON escapes included).
//   - $${ is a literal ${, for a password that holds one. A "$" not
//     followed by "{" is left alone.
//
// References are expanded only inside JSON strings, and each value is
// escaped for the string it lands in: a value cannot add keys or end the
// string early. A reference outside a string is an error. Names are
// letters, digits and underscores, not starting with a digit.
//
// lookup reads a variable; nil means os.LookupEnv. Nothing expands an entry
// unless asked: ParseEntry and core.Open read "${" as it is. Errors wrap
// ErrConfig and name the variables and where a reference is, never a value.
func ExpandEnv(text []byte, lookup func(name string) (string, bool)) ([]byte, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var (
		out     strings.Builder
		missing []string
		inStr   bool
	)
	out.Grow(len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && inStr && i+1 < len(text):
			// An escaped character, "\"" included, never ends the string.
			out.WriteByte(c)
			out.WriteByte(text[i+1])
			i++
			continue
		case c == '"':
			inStr = !inStr
		case c == '$' && i+2 < len(text) && text[i+1] == '$' && text[i+2] == '{':
			out.WriteString("${")
			i += 2
			continue
		case c == '$' && i+1 < len(text) && text[i+1] == '{':
			end := refEnd(text[i+2:])
			if end < 0 {
				return nil, fmt.Errorf("%w: environment reference at %s has no closing brace (a literal ${ is written $${)", ErrConfig, position(text, i))
			}
			ref := string(text[i : i+2+end+1])
			name, def, hasDef := strings.Cut(ref[2:len(ref)-1], ":-")
			// The reference's text is shown only once it is known to be a
			// name: a stray "${" may sit in a password.
			if !validEnvName(name) {
				return nil, fmt.Errorf("%w: environment reference at %s: not a variable name (a literal ${ is written $${)", ErrConfig, position(text, i))
			}
			if !inStr {
				return nil, fmt.Errorf("%w: environment reference ${%s} at %s is outside a JSON string: write it inside quotes", ErrConfig, name, position(text, i))
			}
			value, ok := lookup(name)
			switch {
			case hasDef && (!ok || value == ""):
				out.WriteString(def)
			case !ok:
				if !slices.Contains(missing, name) {
					missing = append(missing, name)
				}
			default:
				quoted, _ := json.Marshal(value)
				out.Write(quoted[1 : len(quoted)-1])
			}
			i += len(ref) - 1
			continue
		}
		out.WriteByte(c)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: environment variables not set: %s", ErrConfig, strings.Join(missing, ", "))
	}
	return []byte(out.String()), nil
}

func validEnvName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// refEnd is the index of the brace that closes a reference, or -1 when the
// string ends first (a default may hold escaped quotes).
func refEnd(b []byte) int {
	for j := 0; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '}':
			return j
		case '"', '\n':
			return -1
		}
	}
	return -1
}

// position is "line L, column C" (1-based, columns in bytes) of offset i.
func position(text []byte, i int) string {
	line := 1 + bytes.Count(text[:i], []byte("\n"))
	col := i - bytes.LastIndexByte(text[:i], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}
