package alpha

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"dvmlab/core/native"
)

// The cross tools from Debian's binutils-alpha-linux-gnu and gcc-alpha-linux-gnu,
// the emulator from qemu-user, and the root of the Alpha C library
// (libc6.1-dev-alpha-cross) that qemu-alpha needs to run dynamically linked
// programs: this qemu-alpha crashes on statically linked glibc programs.
const (
	AsTool   = "alpha-linux-gnu-as"
	GccTool  = "alpha-linux-gnu-gcc"
	QemuTool = "qemu-alpha"
	SysRoot  = "/usr/alpha-linux-gnu"
	// RunTimeout bounds a run under qemu-alpha whose context has no deadline.
	RunTimeout = 2 * time.Minute
)

// Available reports why the Alpha tools cannot be used, or nil when they can.
func Available() error {
	for _, t := range []string{AsTool, GccTool, QemuTool} {
		if _, err := exec.LookPath(t); err != nil {
			return fmt.Errorf("alpha: %s not found (make deps installs binutils-alpha-linux-gnu, gcc-alpha-linux-gnu, qemu-user)", t)
		}
	}
	if _, err := os.Stat(filepath.Join(SysRoot, "lib", "libc.so.6.1")); err != nil {
		return fmt.Errorf("alpha: the Alpha C library is missing (make deps installs libc6.1-dev-alpha-cross)")
	}
	return nil
}

// Assemble runs the GNU assembler on text for cpu and writes the object to obj.
// For ev4 the assembler is told -mev4, so a BWX instruction in ev4 code is
// refused here already, not only when qemu traps it.
// j, when not nil, attributes an error's line to the method it came from.
func Assemble(ctx context.Context, text string, cpu CPU, obj string, j *native.Joined) error {
	src := strings.TrimSuffix(obj, filepath.Ext(obj)) + ".s"
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		return err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, AsTool, "-m"+cpu.String(), "-o", obj, src)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if out.Len() == 0 {
			return &native.AsmError{Tool: AsTool, Msg: err.Error()}
		}
		return native.ParseAsError(AsTool, out.String(), text, j)
	}
	return nil
}

// Assemble is the Backend's: asm to the object file obj for opt.CPU.
func (backend) Assemble(asm, obj string, opt native.Options) error {
	cpu, err := ParseCPU(opt.CPU)
	if err != nil {
		return err
	}
	return Assemble(context.Background(), asm, cpu, obj, nil)
}

// Link compiles C sources and links them with objects into a dynamically
// linked Alpha executable: the C code is compiled for cpu too, so an ev4
// program holds no BWX instruction anywhere but in the C library.
func Link(ctx context.Context, cpu CPU, out string, inputs ...string) error {
	args := []string{"-O1", "-mcpu=" + cpu.String(), "-mieee", "-o", out, "-Wl,-z,noexecstack"}
	args = append(args, inputs...)
	var msg bytes.Buffer
	cmd := exec.CommandContext(ctx, GccTool, args...)
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("alpha-linux-gnu-gcc: %v: %s", err, strings.TrimSpace(msg.String()))
	}
	return nil
}

// Run runs an Alpha executable under qemu-alpha with the given CPU model
// (ev4 traps BWX instructions; qemu's default model accepts them) and returns
// its standard output. It stops the run at ctx's deadline, or after
// RunTimeout when ctx has none; the error then wraps
// context.DeadlineExceeded.
func Run(ctx context.Context, cpu CPU, exe string, stdin []byte, args ...string) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, RunTimeout)
		defer cancel()
	}
	qargs := append([]string{"-cpu", cpu.String(), "-L", SysRoot, exe}, args...)
	cmd := exec.CommandContext(ctx, QemuTool, qargs...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return out.Bytes(), fmt.Errorf("qemu-alpha -cpu %s %s: stopped: %w", cpu, filepath.Base(exe), ctx.Err())
		}
		return out.Bytes(), fmt.Errorf("qemu-alpha -cpu %s %s: %v: %s", cpu, filepath.Base(exe), err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}
