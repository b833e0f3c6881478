// Writes the project of docs/own-project.md into this folder, exactly as the text shows it, with
// the bpfj version of this build. A change to the document that breaks the walk-through fails here.
def root = basedir.toPath().resolve('../../../..').normalize()
def doc = root.resolve('docs/own-project.md').toFile().text
def blocks = [:].withDefault { [] }
(doc =~ /(?s)```(\w*)\n(.*?)```/).each { all, lang, body -> blocks[lang] << body }
assert blocks['xml'].size() == 1 && blocks['c'].size() == 1 && blocks['java'].size() == 1 :
        "docs/own-project.md should hold one pom, one C source and one Java class"
def version = (root.resolve('bpf-maven-plugin/pom.xml').toFile().text =~ /(?s)<parent>.*?<version>([^<]+)<\/version>/)[0][1]
def pom = blocks['xml'][0]
assert pom.contains('<bpfj.version>0.1.0-SNAPSHOT</bpfj.version>')
new File(basedir, 'pom.xml').text = pom.replace('<bpfj.version>0.1.0-SNAPSHOT</bpfj.version>',
        "<bpfj.version>${version}</bpfj.version>")
new File(basedir, 'src/main/bpf').mkdirs()
new File(basedir, 'src/main/bpf/opens.bpf.c').text = blocks['c'][0]
new File(basedir, 'src/main/java/com/example/probes').mkdirs()
new File(basedir, 'src/main/java/com/example/probes/Main.java').text = blocks['java'][0]
return true
