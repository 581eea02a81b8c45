package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCacheLocationFollowsSymlinks: Django's Path.resolve() follows
// symbolic links, so a cache reached through a link into STATIC_ROOT is
// inside it (caches.W002), however the two paths are spelled. The
// conformance fixture caches_relative_paths covers the spellings against
// Django itself; links need files on disk, hence this test.
func TestCacheLocationFollowsSymlinks(t *testing.T) {
	dir := writeSettings(t, `from pathlib import Path
import os
BASE_DIR = Path(__file__).resolve().parent.parent
STATIC_ROOT = "public/static"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": os.getenv("CACHE_DIR", "cache")}}
`)
	if err := os.MkdirAll(filepath.Join(dir, "srv", "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "srv"), filepath.Join(dir, "public")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	for _, tc := range []struct{ loc, want string }{
		{"srv/static/cache", "is inside"},                                 // the link's target, relative
		{filepath.Join(dir, "srv", "static"), "matches"},                  // absolute, through no link
		{"public/../public/static/x", "is inside"},                        // '..' before the link
		{"srv/static-cache", ""},                                          // a sibling, not inside
		{filepath.Join(dir, "public", "static", "new", "c"), "is inside"}, // link followed, missing rest kept
	} {
		res, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Version: Version{3, 2},
			Env: map[string]string{"CACHE_DIR": tc.loc}, EnvFrom: map[string]string{"CACHE_DIR": "--env"}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, f := range res.Findings {
			if f.ID == "caches.W002" {
				got = f.Message
			}
		}
		want := ""
		if tc.want != "" {
			want = "Your 'default' cache configuration might expose your cache or lead to corruption of your data because its LOCATION " + tc.want + " STATIC_ROOT."
		}
		if got != want {
			t.Errorf("LOCATION %s: caches.W002 %q, want %q", tc.loc, got, want)
		}
	}
}
