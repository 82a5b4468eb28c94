.class public Old
.super java/lang/Object

.method public <init>()V
  aload_0
  invokespecial java/lang/Object/<init>()V
  return
.end method

.method public static sum(I)I
  .limit stack 3
  .limit locals 4
  iconst_0
  istore_1
Loop:
  iload_0
  ifle Done
  iload_1
  iload_0
  iadd
  istore_1
  iinc 0 -1
  jsr Sub
  goto Loop
Done:
  jsr Sub
  iload_1
  ireturn
Sub:
  astore_2
  iload_1
  iconst_1
  iadd
  istore_1
  ret 2
.end method

.method public static main([Ljava/lang/String;)V
  .limit stack 3
  .limit locals 1
  getstatic java/lang/System/out Ljava/io/PrintStream;
  bipush 10
  invokestatic Old/sum(I)I
  invokevirtual java/io/PrintStream/println(I)V
  return
.end method

; A finally block as javac compiled it before Java 6: the subroutine is
; called from the normal path and from the handler, where the locals
; differ; it writes only its own return-address local.
.method public static guarded(Ljava/lang/String;)I
  .limit stack 2
  .limit locals 4
Start:
  aload_0
  invokevirtual java/lang/String/length()I
  istore_1
  jsr Finally
  iload_1
  ireturn
End:
Handler:
  astore_2
  jsr Finally
  aload_2
  athrow
Finally:
  astore_3
  getstatic java/lang/System/out Ljava/io/PrintStream;
  ldc "finally"
  invokevirtual java/io/PrintStream/println(Ljava/lang/String;)V
  ret 3
  .catch java/lang/Throwable from Start to End using Handler
.end method
