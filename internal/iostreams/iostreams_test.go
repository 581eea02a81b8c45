package iostreams

import "testing"

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"tty", true, nil, true},
		{"pipe", false, nil, false},
		{"NO_COLOR wins on a tty", true, map[string]string{"NO_COLOR": "1"}, false},
		{"NO_COLOR wins over CLICOLOR_FORCE", true, map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, false},
		{"CLICOLOR_FORCE on a pipe", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"CLICOLOR_FORCE=0", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"CLICOLOR=0", true, map[string]string{"CLICOLOR": "0"}, false},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, false},
	}
	for _, tt := range tests {
		get := func(k string) string { return tt.env[k] }
		if got := colorWanted(tt.tty, get); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestColorSchemeOffIsIdentity(t *testing.T) {
	cs := NewColorScheme(false)
	if cs.Red("x") != "x" || cs.Bold("y") != "y" || cs.SuccessIcon() != "✓" {
		t.Fatal("colour off must not add escapes")
	}
	if on := NewColorScheme(true); on.Red("x") == "x" {
		t.Fatal("colour on added no escapes")
	}
}

func TestCanPrompt(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.CanPrompt() {
		t.Fatal("test streams must not prompt")
	}
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	if !ios.CanPrompt() {
		t.Fatal("two TTYs should prompt")
	}
	ios.SetNeverPrompt(true)
	if ios.CanPrompt() {
		t.Fatal("CTL_PROMPT_DISABLED ignored")
	}
}
