package pyeval

// Methods of plain values, by type: methods_str.go, methods_list.go, methods_dict.go.

import (
	"fmt"
)

func (e *Evaluator) method(name string, self *Value, a args, p Pos) *Value {
	if self == nil || !self.Known() {
		return unknownFrom(p, self)
	}
	e.charge(self)
	e.charge(a.pos...)
	arg := func(i int) *Value {
		if i < len(a.pos) {
			return a.pos[i]
		}
		return nil
	}
	var v *Value
	switch self.Kind {
	case Str:
		v = e.strMethod(name, self, a, arg, p)
	case List:
		v = e.listMethod(name, self, a, arg, p)
	case Dict:
		v = e.dictMethod(name, self, a, arg, p)
	}
	if v != nil {
		return v
	}
	return NewUnknown(fmt.Sprintf("%s.%s()", self.Kind, name), p)
}
