package pyeval

// list methods.

import (
	"fmt"
)

func (e *Evaluator) listMethod(name string, self *Value, a args, arg func(int) *Value, p Pos) *Value {
	switch name {
	case "append":
		if x := arg(0); x != nil {
			self.Items = append(self.Items, x)
			self.addEnv(x.Env...)
		}
		return NewNone(p)
	case "extend":
		if x := arg(0); x != nil {
			if items, ok := iterItems(x); ok && !tooLong(len(self.Items)+len(items)) {
				self.Items = append(self.Items, items...)
				self.addEnv(x.Env...)
				return NewNone(p)
			}
		}
		*self = *NewUnknown("extended with an unknown iterable", self.Pos)
		return NewNone(p)
	case "insert":
		i, x := arg(0), arg(1)
		if i != nil && i.Kind == Int && x != nil {
			idx := clampIndex(int(i.I), len(self.Items))
			self.Items = append(self.Items[:idx], append([]*Value{x}, self.Items[idx:]...)...)
		}
		return NewNone(p)
	case "remove":
		if x := arg(0); x != nil {
			for i, it := range self.Items {
				if Equal(it, x) {
					self.Items = append(self.Items[:i:i], self.Items[i+1:]...)
					return NewNone(p)
				}
			}
			e.raise("ValueError", "list.remove(x): x not in list")
		}
		return NewNone(p)
	case "pop":
		i := len(self.Items) - 1
		if x := arg(0); x != nil {
			if x.Kind != Int {
				return unknownFrom(p, x)
			}
			i = int(x.I)
			if i < 0 {
				i += len(self.Items)
			}
		}
		if i < 0 || i >= len(self.Items) {
			e.raise("IndexError", "pop index out of range")
			return NewUnknown("IndexError: pop index out of range", p)
		}
		it := self.Items[i]
		self.Items = append(self.Items[:i:i], self.Items[i+1:]...)
		return it
	case "clear":
		self.Items = nil
		return NewNone(p)
	case "copy":
		return self.Clone()
	case "index", "count":
		x := arg(0)
		if x == nil || len(a.pos) > 1 || !x.Known() {
			return nil
		}
		n := 0
		for i, it := range self.Items {
			if !it.Known() {
				return unknownFrom(p, it)
			}
			if Equal(it, x) {
				if name == "index" {
					return derive(NewInt(int64(i), p), self, x)
				}
				n++
			}
		}
		if name == "index" {
			e.raise("ValueError", x.Repr()+" is not in list")
			return NewUnknown(fmt.Sprintf("ValueError: %s is not in list", x.Repr()), p)
		}
		return derive(NewInt(int64(n), p), self, x)
	}
	return nil
}
