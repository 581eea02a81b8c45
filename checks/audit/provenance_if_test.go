package audit

import (
	"context"
	"testing"
)

// TestProvenanceFollowsIfStatement: a value bound in the branch of an
// `if` that an unset environment variable selected is an environment
// default (ctl.S002, ctl.D001), as in os.environ.get("KEY") or "dev";
// with the variable set, the value is the environment's.
func TestProvenanceFollowsIfStatement(t *testing.T) {
	const key = "'k-9f3Lq!x2#Zp9@Lm4$Vb8%Nc3^Hd6&Jf1*Rg5(Ts0)Yu-longenough'"
	tests := []struct {
		name, src string
		env       map[string]string
		want, not []string
		kind      string // SECRET_KEY's source label
	}{
		{
			name: "in-environ-unset",
			src:  "import os\nif 'KEY' in os.environ:\n    SECRET_KEY = os.environ['KEY']\nelse:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "in-environ-set",
			src:  "import os\nif 'KEY' in os.environ:\n    SECRET_KEY = os.environ['KEY']\nelse:\n    SECRET_KEY = " + key + "\n",
			env:  map[string]string{"KEY": "from-the-environment-" + key},
			not:  []string{"ctl.S001", "ctl.S002"}, kind: "env",
		},
		{
			name: "not-in-environ",
			src:  "import os\nif 'KEY' not in os.environ:\n    SECRET_KEY = " + key + "\nelse:\n    SECRET_KEY = os.environ['KEY']\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "getenv-truthy",
			src:  "import os\nif os.getenv('KEY'):\n    SECRET_KEY = os.getenv('KEY')\nelse:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "not-environ-get",
			src:  "import os\nif not os.environ.get('KEY'):\n    SECRET_KEY = " + key + "\n    DEBUG = True\nelse:\n    SECRET_KEY = os.environ['KEY']\n",
			want: []string{"ctl.S002", "ctl.D001"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "elif-chain",
			src:  "import os\nif os.environ.get('ENV') == 'prod':\n    DEBUG = False\nelif os.environ.get('ENV') == 'staging':\n    DEBUG = False\nelse:\n    DEBUG = True\nSECRET_KEY = os.environ['KEY']\n",
			env:  map[string]string{"KEY": "from-the-environment-" + key},
			want: []string{"ctl.D001"}, not: []string{"ctl.S001"}, kind: "env",
		},
		{
			// A function defined in the branch taken stays callable, and
			// the literals it returns are chosen by the branch too.
			name: "function-in-branch",
			src:  "import os\nif not os.getenv('KEY'):\n    def key():\n        return " + key + "\nelse:\n    def key():\n        return os.environ['KEY']\nSECRET_KEY = key()\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.X001", "ctl.S001"}, kind: "env-default",
		},
		{
			name: "function-in-handler",
			src:  "import os\ntry:\n    os.environ['KEY']\n    def key():\n        return os.environ['KEY']\nexcept KeyError:\n    def key():\n        return " + key + "\nSECRET_KEY = key()\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.X001", "ctl.S001"}, kind: "env-default",
		},
		{
			// The same function defined outside any such block stays
			// literal.
			name: "function-outside",
			src:  "def key():\n    return " + key + "\nSECRET_KEY = key()\n",
			want: []string{"ctl.S001"}, not: []string{"ctl.S002"}, kind: "literal",
		},
		{
			// A handler that runs because the variable is unset binds
			// environment defaults, whatever the library raising.
			name: "except-keyerror",
			src:  "import os\ntry:\n    SECRET_KEY = os.environ['KEY']\nexcept KeyError:\n    SECRET_KEY = " + key + "\n    DEBUG = True\n",
			want: []string{"ctl.S002", "ctl.D001"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "except-keyerror-set",
			src:  "import os\ntry:\n    SECRET_KEY = os.environ['KEY']\nexcept KeyError:\n    SECRET_KEY = " + key + "\n",
			env:  map[string]string{"KEY": "from-the-environment-" + key},
			not:  []string{"ctl.S001", "ctl.S002"}, kind: "env",
		},
		{
			name: "except-environ-pop",
			src:  "import os\ntry:\n    SECRET_KEY = os.environ.pop('KEY')\nexcept LookupError:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "except-django-environ",
			src:  "import environ\nfrom django.core.exceptions import ImproperlyConfigured\nenv = environ.Env()\ntry:\n    SECRET_KEY = env('KEY')\nexcept ImproperlyConfigured:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			name: "except-decouple",
			src:  "from decouple import config, UndefinedValueError\ntry:\n    SECRET_KEY = config('KEY')\nexcept UndefinedValueError:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S002"}, not: []string{"ctl.S001"}, kind: "env-default",
		},
		{
			// A KeyError of the settings' own dict is not about the
			// environment: the literal stays a literal.
			name: "except-keyerror-dict",
			src:  "d = {}\ntry:\n    SECRET_KEY = d['KEY']\nexcept KeyError:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S001"}, not: []string{"ctl.S002"}, kind: "literal",
		},
		{
			// A condition the settings decide (no environment) leaves
			// literals literal.
			name: "literal-condition",
			src:  "X = 1\nif X:\n    SECRET_KEY = " + key + "\n",
			want: []string{"ctl.S001"}, not: []string{"ctl.S002"}, kind: "literal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeSettings(t, tt.src)
			from := map[string]string{}
			for k := range tt.env {
				from[k] = "--env"
			}
			res, err := Run(context.Background(), Options{Target: "app/settings.py", Cwd: dir, Env: tt.env, EnvFrom: from})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.want {
				if findID(res, id).ID == "" {
					t.Errorf("no %s in %s", id, ids(res))
				}
			}
			for _, id := range tt.not {
				if f := findID(res, id); f.ID != "" {
					t.Errorf("unexpected %s: %+v", id, f)
				}
			}
			if s := setting(res, "SECRET_KEY"); s.Source.Label() != tt.kind {
				t.Errorf("SECRET_KEY source %q (%s), want %s", s.Source.Label(), s.Source, tt.kind)
			}
		})
	}
}
