package tableprinter

import (
	"bytes"
	"testing"
)

func TestRenderAlignsVisibleWidth(t *testing.T) {
	var tb Table
	tb.AddRow("NAME", "TARGET")
	tb.AddRow("prod \x1b[31m(protected)\x1b[0m", "kubernetes")
	tb.AddRow("local", "local")
	var out bytes.Buffer
	if err := tb.Render(&out); err != nil {
		t.Fatal(err)
	}
	want := "NAME              TARGET\nprod \x1b[31m(protected)\x1b[0m  kubernetes\nlocal             local\n"
	if out.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", out.String(), want)
	}
}
