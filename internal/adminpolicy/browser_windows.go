package adminpolicy

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/sys/windows/registry"
)

// browserPolicyKeys are the Chrome and Edge list policies that let pages
// from these URLs reach loopback without the Local Network Access prompt
// (LoopbackNetworkAllowedForUrls from Chrome 146; unknown names are
// ignored by older browsers). A list policy is a key of values "1", "2", ….
var browserPolicyKeys = []string{
	`SOFTWARE\Policies\Google\Chrome\LocalNetworkAccessAllowedForUrls`,
	`SOFTWARE\Policies\Google\Chrome\LoopbackNetworkAllowedForUrls`,
	`SOFTWARE\Policies\Microsoft\Edge\LocalNetworkAccessAllowedForUrls`,
	`SOFTWARE\Policies\Microsoft\Edge\LoopbackNetworkAllowedForUrls`,
}

// setBrowserPolicy adds the patterns to each list, keeping entries an
// admin put there (new ones get the next free numbers).
func setBrowserPolicy(patterns []string) error {
	for _, path := range browserPolicyKeys {
		k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, path, registry.ALL_ACCESS|registry.WOW64_64KEY)
		if err != nil {
			return fmt.Errorf("HKLM\\%s: %w", path, err)
		}
		err = addListValues(k, patterns)
		k.Close()
		if err != nil {
			return fmt.Errorf("HKLM\\%s: %w", path, err)
		}
	}
	return nil
}

func addListValues(k registry.Key, patterns []string) error {
	names, err := k.ReadValueNames(-1)
	if err != nil {
		return err
	}
	var have []string
	next := 1
	for _, n := range names {
		if v, _, err := k.GetStringValue(n); err == nil {
			have = append(have, v)
		}
		if i, err := strconv.Atoi(n); err == nil && i >= next {
			next = i + 1
		}
	}
	for _, p := range patterns {
		if slices.Contains(have, p) {
			continue
		}
		if err := k.SetStringValue(strconv.Itoa(next), p); err != nil {
			return err
		}
		have = append(have, p)
		next++
	}
	return nil
}

// removeBrowserPolicy deletes the entries equal to the patterns, and a
// list key that is then empty.
func removeBrowserPolicy(patterns []string) error {
	for _, path := range browserPolicyKeys {
		k, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.ALL_ACCESS|registry.WOW64_64KEY)
		if errors.Is(err, registry.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("HKLM\\%s: %w", path, err)
		}
		names, err := k.ReadValueNames(-1)
		if err != nil {
			k.Close()
			return fmt.Errorf("HKLM\\%s: %w", path, err)
		}
		left := 0
		for _, n := range names {
			v, _, err := k.GetStringValue(n)
			if err == nil && slices.Contains(patterns, v) {
				if err := k.DeleteValue(n); err != nil {
					k.Close()
					return fmt.Errorf("HKLM\\%s: %w", path, err)
				}
				continue
			}
			left++
		}
		k.Close()
		if left == 0 {
			_ = registry.DeleteKey(registry.LOCAL_MACHINE, path) // ignore: a key with subkeys stays
		}
	}
	return nil
}
