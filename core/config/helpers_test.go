package config_test

import "github.com/redisclient/redisclient/core/config"

// entry builds a django-ansible-base entry: LOCATION merged into kwargs.
func entry(location, prefix string, kwargs map[string]any) config.Entry {
	return config.Entry{
		Location:  location,
		KeyPrefix: prefix,
		Options:   config.EntryOptions{ClientClass: config.BackendAnsibleBase, ClientClassKwargs: kwargs},
	}
}
