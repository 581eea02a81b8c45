package pyeval

// dict methods.

func (e *Evaluator) dictMethod(name string, self *Value, a args, arg func(int) *Value, p Pos) *Value {
	switch name {
	case "pop":
		if k := arg(0); k != nil {
			for i := len(self.Keys) - 1; i >= 0; i-- {
				if Equal(self.Keys[i], k) {
					v := self.Vals[i]
					self.Keys = append(self.Keys[:i:i], self.Keys[i+1:]...)
					self.Vals = append(self.Vals[:i:i], self.Vals[i+1:]...)
					return v
				}
			}
			if d := arg(1); d != nil {
				return d
			}
			e.raise("KeyError", k.Repr())
			return NewUnknown("KeyError: "+k.Repr(), p)
		}
	case "items":
		items := make([]*Value, len(self.Keys))
		for i := range self.Keys {
			items[i] = NewSeq(Tuple, []*Value{self.Keys[i], self.Vals[i]}, p)
		}
		return NewSeq(List, items, p)
	case "get":
		if k := arg(0); k != nil {
			for i := len(self.Keys) - 1; i >= 0; i-- {
				if Equal(self.Keys[i], k) {
					return self.Vals[i]
				}
			}
			if d := arg(1); d != nil {
				return d
			}
			return NewNone(p)
		}
	case "update":
		if x := arg(0); x != nil && x.Kind == Dict {
			for i := range x.Keys {
				self.Set(x.Keys[i], x.Vals[i])
			}
		}
		for k, v := range a.kw {
			self.Set(NewStr(k, p), v)
		}
		return NewNone(p)
	case "setdefault":
		if k := arg(0); k != nil {
			for i := range self.Keys {
				if Equal(self.Keys[i], k) {
					return self.Vals[i]
				}
			}
			d := arg(1)
			if d == nil {
				d = NewNone(p)
			}
			self.Set(k, d)
			return d
		}
	case "copy":
		return self.Clone()
	case "keys":
		return NewSeq(List, append([]*Value{}, self.Keys...), p)
	case "values":
		return NewSeq(List, append([]*Value{}, self.Vals...), p)
	}
	return nil
}
