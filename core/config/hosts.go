package config

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// parseHosts reads a cluster host list, "host:port,host:port", with the
// address rules of django-ansible-base (a hostname, an IPv4 address or an
// IPv6 address in brackets, each with a port). Unlike the reference, which
// logs each bad entry and raises "see logs", the error names them all.
func parseHosts(setting string, value any) ([]Node, error) {
	list, ok := value.(string)
	if !ok {
		return nil, SettingError(setting, jsonKind(value), "must be a string of host:port pairs separated by commas")
	}
	var nodes []Node
	var bad, shown []string
	for _, entry := range strings.Split(list, ",") {
		shown = append(shown, maskUserinfo(entry))
		node, err := parseHostPort(entry)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%q (%s)", maskUserinfo(entry), err))
			continue
		}
		nodes = append(nodes, node)
	}
	if len(bad) > 0 {
		return nil, SettingError(setting, strings.Join(shown, ","), "malformed entries: "+strings.Join(bad, ", "))
	}
	return nodes, nil
}

// maskHosts is a host list fit for an error message.
func maskHosts(value any) any {
	list, ok := value.(string)
	if !ok {
		return jsonKind(value)
	}
	entries := strings.Split(list, ",")
	for i, entry := range entries {
		entries[i] = maskUserinfo(entry)
	}
	return strings.Join(entries, ",")
}

// maskUserinfo hides what stands before an "@" in a host entry: someone who
// wrote a URL there ("redis://:secret@h:7000") may have written a password.
func maskUserinfo(entry string) string {
	if at := strings.LastIndexByte(entry, '@'); at >= 0 {
		return masked + entry[at:]
	}
	return entry
}

func parseHostPort(entry string) (Node, error) {
	if addressKind(entry) != "" {
		return Node{}, fmt.Errorf("no port: write <host>:<port>")
	}
	i := strings.LastIndexByte(entry, ':')
	if i < 0 || addressKind(entry[:i]) == "" {
		return Node{}, fmt.Errorf("not a hostname, an IPv4 address or a bracketed IPv6 address with a port")
	}
	host, portText := strings.Trim(entry[:i], "[]"), entry[i+1:]
	if portText == "" {
		return Node{}, fmt.Errorf("no port: write <host>:<port>")
	}
	port, ok := pythonInt(portText)
	if !ok {
		return Node{}, fmt.Errorf("the port is not a number")
	}
	if port < 1 || port > 65535 {
		return Node{}, fmt.Errorf("the port is out of range 1-65535")
	}
	return Node{Host: host, Port: port}, nil
}

var hostnamePattern = regexp.MustCompile(`^[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)

// addressKind is "ipv4", "ipv6" or "hostname" for an address without a port
// (IPv6 only in brackets), and "" for anything else.
func addressKind(s string) string {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() {
			return "ipv6"
		}
		return ""
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Is4() {
			return "ipv4"
		}
		return "ipv6"
	}
	if hostnamePattern.MatchString(s) {
		return "hostname"
	}
	return ""
}

// Addr is the node as host:port, as a client dials it.
func (n Node) Addr() string { return net.JoinHostPort(n.Host, strconv.Itoa(n.Port)) }

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, int, int64, float32:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
