package pyeval

// Ident says what an Object is. The evaluator dispatches calls,
// attributes and subscripts on it, never on a name's spelling.
type Ident uint8

const (
	IdentLib              Ident = iota // a library name, by qualified name (S): "os.getenv", "environ.Env"
	IdentBuiltin                       // a builtin (S: "bool", "sorted"...)
	IdentMethod                        // a bound method (S: its name; Attrs["__self__"]: the receiver)
	IdentFunction                      // a function defined in the settings (S: its name)
	IdentClass                         // a class defined in the settings (S: its name)
	IdentModule                        // a project module (S: its file as displayed; Attrs: its names)
	IdentException                     // a caught exception (S: its class)
	IdentGenerator                     // a generator (Items: what it yields)
	IdentEllipsis                      // ...
	IdentEnviron                       // os.environ
	IdentEnvInstance                   // django-environ's environ.Env() (Attrs["__scheme__"])
	IdentEnvironsInstance              // environs' Env()
	IdentDecoupleCsv                   // python-decouple's Csv() (Attrs: its parameters)
	IdentDecoupleConfig                // python-decouple's AutoConfig() / Config()
	IdentFile                          // a file opened with open() (S: its absolute path); its content is not read
	IdentConfValue                     // a django-configurations values.*Value (Attrs: kind, default, environ_*)
	IdentEnvironPath                   // django-environ's environ.Path (S and Attrs["root"]: its absolute root)
)

// Self is a bound method's receiver (nil for other objects).
func (v *Value) Self() *Value {
	if v == nil || v.Kind != Object || v.Ident != IdentMethod {
		return nil
	}
	return v.Attrs["__self__"]
}

// QualName is how an object is named in messages ("call to ...") and
// its repr.
func (v *Value) QualName() string {
	switch v.Ident {
	case IdentLib:
		return v.S
	case IdentBuiltin:
		return "builtins." + v.S
	case IdentMethod:
		if self := v.Self(); self != nil && self.Kind == Object {
			return self.QualName() + "." + v.S
		}
		return "method " + v.S
	case IdentFunction:
		return "function " + v.S
	case IdentClass:
		return "class " + v.S
	case IdentModule:
		return "module " + v.S
	case IdentException:
		return "exception " + v.S
	case IdentGenerator:
		return "generator"
	case IdentEllipsis:
		return "Ellipsis"
	case IdentEnviron:
		return "os.environ"
	case IdentEnvInstance:
		return "environ.Env()"
	case IdentEnvironsInstance:
		return "environs.Env()"
	case IdentDecoupleCsv:
		return "decouple.Csv()"
	case IdentDecoupleConfig:
		return "decouple.AutoConfig()"
	case IdentFile:
		return "file " + v.S
	case IdentConfValue:
		return "configurations.values." + v.S + "()"
	case IdentEnvironPath:
		return "Path:" + v.S
	}
	return "object"
}

// newObj is an object of the given identity.
func newObj(id Ident, name string, p Pos) *Value {
	return &Value{Kind: Object, Ident: id, S: name, Pos: p, Src: Source{Kind: SrcComputed}}
}

// libIdents are the library names that are objects of their own.
var libIdents = map[string]Ident{
	"os.environ": IdentEnviron,
}

// libObj is a library name: os.environ is the environment object, the
// rest are known by qualified name.
func libObj(qual string, p Pos) *Value {
	if id, ok := libIdents[qual]; ok {
		return newObj(id, "", p)
	}
	return newObj(IdentLib, qual, p)
}
