package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Settings are the Django settings beside CACHES that change how an entry
// is read: django-redis reads its connection factory from the settings
// module, not from the entry, and a Sentinel entry means nothing without
// it. The zero value is a settings module that sets none of them.
type Settings struct {
	// ConnectionFactory is DJANGO_REDIS_CONNECTION_FACTORY: the factory of
	// every django-redis entry whose OPTIONS.CONNECTION_FACTORY is unset
	// ("" means django-redis's default, django_redis.pool.ConnectionFactory).
	ConnectionFactory string `json:"DJANGO_REDIS_CONNECTION_FACTORY"`
}

// settingNames are the settings ParseSettings knows; any other is refused
// by name, since a setting that is read nowhere would be a silent no-op.
var settingNames = []string{"DJANGO_REDIS_CONNECTION_FACTORY"}

// ParseSettings reads Settings from a JSON object of Django setting names
// ("null" or an empty input is no setting at all).
func ParseSettings(data []byte) (Settings, error) {
	var s Settings
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return s, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return Settings{}, fmt.Errorf("%w: the Django settings are not a JSON object of setting names: %w", ErrConfig, err)
	}
	var unknown []string
	for name := range keys {
		if !contains(settingNames, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Settings{}, fmt.Errorf("%w: the Django settings: not read by redisclient: %s (it reads %s)",
			ErrConfig, strings.Join(unknown, ", "), strings.Join(settingNames, ", "))
	}
	if raw, ok := keys["DJANGO_REDIS_CONNECTION_FACTORY"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &s.ConnectionFactory); err != nil {
			return Settings{}, SettingError("DJANGO_REDIS_CONNECTION_FACTORY", string(raw), "must be a dotted path (a string)")
		}
	}
	return s, nil
}
