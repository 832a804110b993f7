package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LOCATION as redis-py's ConnectionPool.from_url reads it (parse_url in
// redis/connection.py), which is what django-redis's DefaultClient hands it:
//   - only redis://, rediss:// and unix://, spelled so (no file://, no
//     capitals, nothing before the scheme);
//   - the user name, password, host and socket path are percent-decoded,
//     as urllib's unquote decodes them: an invalid escape stays as written;
//   - each query argument is decoded like parse_qs (blank values dropped)
//     and the first of a repeated name wins; the arguments redis-py types
//     (URL_QUERY_ARGUMENT_PARSERS) are converted, the others stay strings;
//   - db comes from the query, else from the path with every '/' removed
//     ("/2" and "/2/" are 2) when that is an integer; a unix:// path is the
//     socket, and its db only from the query;
//   - a port of 0 counts as absent; a unix:// URL's host and port are not
//     read.

// Connection classes: which keyword arguments a server's connections take.
const (
	connTCP  = "Connection"
	connTLS  = "SSLConnection"
	connUnix = "UnixDomainSocketConnection"
)

// redisPyURL is redis-py's reading of the URL's parts.
var redisPyURL = urlRules{
	splitAdvice: "must be percent-encoded in LOCATION ('/' as %2F, '?' as %3F, '#' as %23, '@' as %40), " +
		"as redis-py decodes it, or set as OPTIONS.PASSWORD",
	parseQuery: parseQueryUnquoted,
}

// parseRedisURL is parse_url: the keyword arguments the URL gives, and the
// connection class its scheme picks.
func parseRedisURL(raw string) (map[string]any, string, error) {
	if !strings.HasPrefix(raw, "redis://") && !strings.HasPrefix(raw, "rediss://") && !strings.HasPrefix(raw, "unix://") {
		return nil, "", SettingError("LOCATION", redactURL(raw), "redis-py reads only redis://, rediss:// and unix:// URLs, spelled so")
	}
	loc, err := splitLocation(raw, redisPyURL)
	if err != nil {
		return nil, "", err
	}
	kwargs := map[string]any{}
	for _, p := range loc.query {
		if _, seen := kwargs[p.name]; seen {
			continue
		}
		v, err := typeQueryArgument(p.name, p.value)
		if err != nil {
			return nil, "", SettingError("LOCATION", redactURL(raw), err.Error())
		}
		kwargs[p.name] = v
	}
	if loc.username != "" {
		kwargs["username"] = unquote(loc.username)
	}
	if loc.password != "" {
		kwargs["password"] = unquote(loc.password)
	}
	if loc.scheme == "unix" {
		if loc.path != "" {
			kwargs["path"] = unquote(loc.path)
		}
		return kwargs, connUnix, nil
	}
	if loc.host != "" {
		kwargs["host"] = unquote(loc.host)
	}
	if loc.port != 0 {
		kwargs["port"] = loc.port
	}
	if _, ok := kwargs["db"]; !ok && loc.path != "" {
		if db, ok := pythonInt(strings.ReplaceAll(unquote(loc.path), "/", "")); ok {
			kwargs["db"] = db
		}
	}
	if loc.scheme == "rediss" {
		return kwargs, connTLS, nil
	}
	return kwargs, connTCP, nil
}

// typeQueryArgument converts a query argument as URL_QUERY_ARGUMENT_PARSERS
// does; the names it does not list stay strings.
func typeQueryArgument(name, value string) (any, error) {
	switch name {
	case "db", "socket_read_size", "max_connections", "health_check_interval", "ssl_min_version", "protocol":
		if n, ok := pythonInt(value); ok {
			return n, nil
		}
		return nil, fmt.Errorf("the query's %s = %q is not an integer", name, value)
	case "socket_timeout", "socket_connect_timeout", "timeout":
		if f, ok := pythonFloat(value); ok {
			return f, nil
		}
		return nil, fmt.Errorf("the query's %s = %q is not a number", name, value)
	case "socket_keepalive", "retry_on_timeout", "ssl_check_hostname", "legacy_responses":
		// redis-py's to_bool: 0, f, false, n, no (any case) are false,
		// any other value true.
		return !contains([]string{"0", "F", "FALSE", "N", "NO"}, strings.ToUpper(value)), nil
	}
	return value, nil
}

// parseQueryUnquoted is parse_qs: '+' is a space, escapes are decoded as
// unquote decodes them, blank values are dropped.
func parseQueryUnquoted(q string) ([]queryParam, error) {
	var params []queryParam
	for _, pair := range strings.Split(q, "&") {
		name, value, ok := strings.Cut(pair, "=")
		if !ok || value == "" {
			continue
		}
		params = append(params, queryParam{
			unquote(strings.ReplaceAll(name, "+", " ")),
			unquote(strings.ReplaceAll(value, "+", " ")),
		})
	}
	return params, nil
}

// unquote is urllib.parse.unquote: each %XX becomes its byte, anything else
// (an invalid escape too) stays, and bytes that are not UTF-8 become U+FFFD.
func unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			out = append(out, byte(b))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	if utf8.Valid(out) {
		return string(out)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// pythonFloat reads a string as Python's float() does for the forms that
// occur in configuration: surrounding spaces, a sign, an exponent, digits
// with single underscores between them, inf and nan.
func pythonFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, false
	}
	lower := strings.ToLower(strings.TrimLeft(s, "+-"))
	if strings.HasPrefix(lower, "0x") || strings.HasPrefix(lower, "0b") || strings.HasPrefix(lower, "0o") {
		return 0, false // int() would, float() does not
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range: inf or 0, as Python's
		return 0, false
	}
	return f, true
}
