package textutil

import "testing"

func TestRegexpCompiledOnceOnFirstUse(t *testing.T) {
	re := Regexp(`^a(b+)$`)
	first := re()
	if m := first.FindStringSubmatch("abbb"); len(m) != 2 || m[1] != "bbb" {
		t.Fatalf("match %q", m)
	}
	if re() != first {
		t.Fatal("compiled again")
	}
}

func TestRegexpPanicsOnBadExpressionWhenUsed(t *testing.T) {
	re := Regexp(`(`) // no panic here: not compiled yet
	defer func() {
		if recover() == nil {
			t.Fatal("a bad expression did not panic on use")
		}
	}()
	re()
}
