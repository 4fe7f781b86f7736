# Prints C prototypes of the kfuncs named in WANT (space-separated) from a raw BTF dump
# (`bpftool btf dump file /sys/kernel/btf/vmlinux`), in the order WANT lists them. Only the type
# kinds kfunc signatures use are rendered: INT, TYPEDEF, STRUCT/UNION/ENUM (by tag), PTR, CONST,
# VOLATILE, void. A kfunc missing from the BTF prints an #error line so the build stops.
function tname(id,    k) {
	if (id == 0) return "void"
	k = kind[id]
	if (k == "PTR") return tname(ref[id]) " *"
	if (k == "CONST") return "const " tname(ref[id])
	if (k == "VOLATILE") return "volatile " tname(ref[id])
	if (k == "STRUCT") return "struct " name[id]
	if (k == "UNION") return "union " name[id]
	if (k == "ENUM" || k == "ENUM64") return "enum " name[id]
	if (k == "INT" || k == "TYPEDEF") return name[id]
	return "#error unsupported BTF kind " k
}
function decl(t, n) { return (t ~ /\*$/) ? t n : t " " n }
/^\[[0-9]+\] / {
	cur = substr($1, 2, length($1) - 2) + 0
	kind[cur] = $2
	nm = $3; gsub(/'/, "", nm); name[cur] = nm
	ref[cur] = 0
	for (i = 4; i <= NF; i++) {
		if ($i ~ /^type_id=/) { split($i, a, "="); ref[cur] = a[2] + 0 }
		if ($i ~ /^ret_type_id=/) { split($i, a, "="); ref[cur] = a[2] + 0 }
	}
	if ($2 == "FUNC") func_by_name[nm] = cur
	nparams[cur] = 0
	next
}
/^\t'/ {
	if (kind[cur] == "FUNC_PROTO") {
		p = ++nparams[cur]
		pn = $1; gsub(/'/, "", pn); pname[cur, p] = pn
		split($2, a, "="); ptype[cur, p] = a[2] + 0
	}
}
END {
	n = split(WANT, want, " ")
	for (w = 1; w <= n; w++) {
		f = want[w]
		if (!(f in func_by_name)) { print "#error kfunc " f " is not in this kernel's BTF"; continue }
		proto = ref[func_by_name[f]]
		line = "extern " decl(tname(ref[proto]), f) "("
		for (p = 1; p <= nparams[proto]; p++) {
			line = line (p > 1 ? ", " : "") decl(tname(ptype[proto, p]), pname[proto, p])
		}
		print line ") __ksym;"
	}
}
