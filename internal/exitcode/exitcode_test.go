package exitcode

import (
	"errors"
	"fmt"
	"testing"
)

func TestKinds(t *testing.T) {
	usage := fmt.Errorf("wrapped: %w", Usagef("bad flag"))
	if !errors.Is(usage, ErrUsage) || errors.Is(usage, ErrInvalid) {
		t.Errorf("usage error kinds wrong")
	}
	invalid := WithHint(Invalidf("unknown environment %q", "qa"), "ctl env list")
	if !errors.Is(invalid, ErrInvalid) || errors.Is(invalid, ErrUsage) || invalid.Error() != `unknown environment "qa"` {
		t.Errorf("invalid error: %v", invalid)
	}
	if Invalid(nil) != nil {
		t.Error("Invalid(nil) is not nil")
	}
}

func TestHint(t *testing.T) {
	err := fmt.Errorf("outer: %w", WithHint(errors.New("inner"), "do this"))
	if HintOf(err) != "do this" || err.Error() != "outer: inner" {
		t.Fatalf("hint %q msg %q", HintOf(err), err)
	}
}
