package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// location is a LOCATION URL split the way Python's urllib.parse.urlparse
// splits it, because that is what django-ansible-base reads: the user name
// and password are taken as written (no percent-decoding), the host name is
// lower-cased, a port of 0 counts as absent, and the query is decoded like
// parse_qs (blank values dropped, the last of a repeated name wins).
type location struct {
	scheme   string
	host     string // "" when absent
	port     int    // 0 when absent
	username string // "" when absent
	password string
	hasPass  bool
	path     string
	query    []queryParam
}

type queryParam struct{ name, value string }

// Schemes that a LOCATION may use.
var locationSchemes = []string{"redis", "rediss", "unix", "file"}

// urlRules are what tells one reader of LOCATION from another: what to
// advise for a password that cuts the URL short, and how the query is
// decoded.
type urlRules struct {
	splitAdvice string
	parseQuery  func(string) ([]queryParam, error)
}

// dabURL is django-ansible-base's reading.
var dabURL = urlRules{
	splitAdvice: "cannot be written in LOCATION, which is read as written, never percent-decoded; " +
		"set it as OPTIONS.CLIENT_CLASS_KWARGS password (or username) and leave it out of LOCATION",
	parseQuery: parseQuery,
}

func parseLocation(raw string) (location, error) { return splitLocation(raw, dabURL) }

func splitLocation(raw string, rules urlRules) (location, error) {
	var loc location
	// urlsplit drops these anywhere in the URL and trims spaces around it.
	cleaned := strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(raw)
	cleaned = strings.TrimLeft(cleaned, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")

	rest := cleaned
	if i := strings.IndexByte(rest, ':'); i > 0 && validScheme(rest[:i]) {
		loc.scheme = strings.ToLower(rest[:i])
		rest = rest[i+1:]
	}
	if !knownScheme(loc.scheme) {
		return loc, SettingError("LOCATION", redactURL(raw), "the scheme must be one of redis, rediss, unix or file")
	}

	var netloc string
	netlocStart := -1
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		netlocStart = len(cleaned) - len(rest)
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, rest = rest[:end], rest[end:]
	}
	if splitUserinfo(loc.scheme, netloc, rest) {
		return loc, SettingError("LOCATION", redactURL(raw), "an '@' after the host: a user name or password holding '/', '?' or '#' "+
			rules.splitAdvice)
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return loc, SettingError("LOCATION", redactURL(raw), "invalid IPv6 address: a bracket is not closed")
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		q, err := rules.parseQuery(rest[i+1:])
		if err != nil {
			return loc, SettingError("LOCATION", redactURL(raw), err.Error())
		}
		loc.query = q
		rest = rest[:i]
	}
	loc.path = rest

	hostinfo := netloc
	if at := strings.LastIndexByte(netloc, '@'); at >= 0 {
		userinfo := netloc[:at]
		hostinfo = netloc[at+1:]
		loc.username, loc.password, loc.hasPass = strings.Cut(userinfo, ":")
	}
	host, portText := splitHostPort(hostinfo)
	loc.host = strings.ToLower(host)
	if portText != "" {
		port, err := strconv.Atoi(portText)
		if err != nil || !isASCIIDigits(portText) {
			shown := redactURL(raw)
			if !strings.Contains(netloc, "@") && !portLike(portText) {
				// Without an '@' this may be a password written without
				// its host ("redis://:secret"): show the host alone.
				shown = redactURL(cleaned[:netlocStart] + netloc[:len(netloc)-len(portText)] + masked)
			}
			return loc, SettingError("LOCATION", shown, "the port is not a number")
		}
		if port > 65535 {
			return loc, SettingError("LOCATION", redactURL(raw), fmt.Sprintf("the port %d is out of range 0-65535", port))
		}
		loc.port = port
	}
	return loc, nil
}

// splitHostPort splits "host:port" or "[v6]:port" as urlparse does.
func splitHostPort(hostinfo string) (host, port string) {
	if strings.Contains(hostinfo, "[") {
		_, bracketed, _ := strings.Cut(hostinfo, "[")
		host, after, _ := strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(after, ":")
		return host, port
	}
	host, port, _ = strings.Cut(hostinfo, ":")
	return host, port
}

// db is the first path segment when it is an integer, as int() reads it.
func (l location) db() (int, bool) {
	segments := strings.Split(l.path, "/")
	if len(segments) < 2 {
		return 0, false
	}
	return pythonInt(segments[1])
}

func parseQuery(q string) ([]queryParam, error) {
	var params []queryParam
	for _, pair := range strings.Split(q, "&") {
		name, value, ok := strings.Cut(pair, "=")
		if !ok || value == "" {
			continue
		}
		n, err := url.QueryUnescape(name)
		if err != nil {
			return nil, fmt.Errorf("the query parameter %q is not valid percent-encoding", name)
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return nil, fmt.Errorf("the value of query parameter %q is not valid percent-encoding", n)
		}
		params = append(params, queryParam{n, v})
	}
	return params, nil
}

func validScheme(s string) bool {
	for i, r := range s {
		alpha := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !alpha && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

func knownScheme(s string) bool {
	for _, known := range locationSchemes {
		if s == known {
			return true
		}
	}
	return false
}

func isASCIIDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// pythonInt reads a string as Python's int() does for the forms that occur
// in configuration: surrounding spaces, a sign, digits with single
// underscores between them.
func pythonInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, false
	}
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || strings.HasPrefix(digits, "_") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	return n, err == nil
}

// splitUserinfo tells whether an '@' stands where only a user name or
// password cut short by '/', '?' or '#' puts it: in the path or the
// fragment, or in the query outside the value of a known keyword. urlparse would read
// what comes before the cut as the host and port, so a piece of the password
// would become an address; refusing the LOCATION keeps it out of the
// settings and of connection errors. A unix:// path may hold an '@' when
// nothing stands before it ("unix:///run/redis@main.sock").
func splitUserinfo(scheme, netloc, rest string) bool {
	rest, fragment, _ := strings.Cut(rest, "#")
	path, query, _ := strings.Cut(rest, "?")
	if strings.Contains(fragment, "@") {
		return true
	}
	for _, pair := range strings.Split(query, "&") {
		name, value, ok := strings.Cut(pair, "=")
		if strings.Contains(name, "@") || !ok && strings.Contains(pair, "@") {
			return true
		}
		// A value may hold an '@' (password=p@ss), but a name no keyword
		// has is a piece of the password.
		if decoded, err := url.QueryUnescape(name); strings.Contains(value, "@") && (err != nil || !isKeyword(decoded)) {
			return true
		}
	}
	socketPath := scheme == "unix" || scheme == "file"
	return strings.Contains(path, "@") && !(socketPath && (netloc == "" || strings.HasSuffix(netloc, "@")))
}

// isKeyword: the keywords CLIENT_CLASS_KWARGS (and so the query) accepts.
func isKeyword(name string) bool {
	_, ok := kwargSpecs[name]
	return ok || contains([]string{"mode", "clustered", "redis_hosts", "clustered_hosts"}, name)
}

// portLike is a port as someone might mistype it ("-1", " 5"), not text
// that could be a password.
func portLike(s string) bool {
	return strings.Trim(s, "0123456789+- ") == ""
}

// redactURL hides whatever in a LOCATION can be a password, for error
// messages, however malformed the LOCATION is:
//   - the userinfo's password, from "scheme://user:" up to the last '@'
//     anywhere, so that a password holding an unencoded '/', '?', '#' or '@'
//     is hidden whole; without "scheme://", everything before the last '@',
//     since nothing there says where a user name would end;
//   - without any '@', a port that is not digits ("redis://:secret",
//     "user:secret"), with everything after it;
//   - the value of the query's password=, with everything after it, since
//     written unencoded it may hold '&' or '#'.
func redactURL(raw string) string {
	// The query's password first, so that an '@' in its value is not taken
	// for the end of a userinfo; again at the end, for a query that a '?' in
	// the password hid.
	raw = maskQueryPassword(strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(raw))
	start, urlForm := 0, false
	if i := strings.IndexByte(raw, ':'); i > 0 && validScheme(raw[:i]) && strings.HasPrefix(raw[i+1:], "//") {
		start, urlForm = i+3, true
	} else if strings.HasPrefix(raw, "//") {
		start, urlForm = 2, true
	}
	if at := strings.LastIndexByte(raw[start:], '@'); at >= 0 {
		userinfo := raw[start : start+at]
		if !urlForm && userinfo != "" {
			raw = raw[:start] + masked + raw[start+at:]
		} else if colon := strings.IndexByte(userinfo, ':'); colon >= 0 {
			raw = raw[:start+colon+1] + masked + raw[start+at:]
		}
	} else {
		end := strings.IndexAny(raw[start:], "/?#")
		if end < 0 {
			end = len(raw) - start
		}
		hostinfo := raw[start : start+end]
		hostEnd := strings.LastIndexByte(hostinfo, ']') + 1 // past an IPv6 address
		if colon := strings.IndexByte(hostinfo[hostEnd:], ':'); colon >= 0 {
			portStart := start + hostEnd + colon + 1
			if port := raw[portStart : start+end]; !portLike(port) && port != masked {
				return raw[:portStart] + masked
			}
		}
	}
	return maskQueryPassword(raw)
}

// maskQueryPassword hides, from the first query parameter whose name, once
// decoded as parse_qs decodes it, is password ("pass%77ord" too), its value
// and everything after it.
func maskQueryPassword(raw string) string {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return raw
	}
	query, _, _ := strings.Cut(raw[q+1:], "#")
	pairs := strings.Split(query, "&")
	for i, pair := range pairs {
		name, _, ok := strings.Cut(pair, "=")
		decoded, err := url.QueryUnescape(name)
		if ok && (err != nil || strings.EqualFold(decoded, "password")) {
			return raw[:q+1] + strings.Join(append(pairs[:i:i], name+"="+masked), "&")
		}
	}
	return raw
}
