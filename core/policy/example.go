package policy

// Example is a commented policy that Parse accepts: `dvmlab policy example`
// prints it as a starting point.
const Example = `<?xml version="1.0"?>
<!-- A dvmlab security policy (DVM paper §3.2, after DTOS).
     What no rule decides follows default: allow or deny. -->
<policy default="allow">

  <!-- Principals: code by the URL it was served from, users by the name the
       client gave in its handshake. Both lists must match when both are given.
       Patterns: * is any run but '/', ** any run at all, ? one character. -->
  <sid name="apps" codebase="http://127.0.0.1:*/** http://localhost:*/**"/>
  <sid name="guests" users="guest nobody"/>

  <!-- Resources: files (absolute paths), properties, hosts (host:port),
       threads (by name), exit (the status), processes (the command),
       native (library names), reflection. -->
  <sid name="secrets" files="/etc/shadow /srv/secret/**"/>
  <sid name="safe-props" properties="java.version java.vendor line.separator os.*"/>
  <sid name="all-props" properties="**"/>
  <sid name="anywhere" exit="*"/>
  <sid name="outside" hosts="*:*"/>
  <sid name="local" hosts="127.0.0.1:* localhost:*"/>

  <!-- The access matrix: a deny wins over an allow. subject="*" is everyone. -->
  <allow subject="apps" object="safe-props" permissions="property.read"/>
  <deny  subject="apps" object="all-props" permissions="property.write"/>
  <deny  subject="*" object="secrets" permissions="file.open file.read"/>
  <deny  subject="guests" object="anywhere" permissions="exit"/>
  <allow subject="apps" object="local" permissions="socket.connect"/>
  <deny  subject="guests" object="outside" permissions="socket.connect"/>

  <!-- Guards: calls to these methods need the permission on the resource
       found at argN, this (a stream: the file it was opened on) or a
       constant (kind=value). The security service inserts the check before
       every such call in application code, at the entry of such methods in
       application classes, and checks reflective calls and method handles. -->
  <guard permission="file.open" method="java/io/FileInputStream.&lt;init&gt;(Ljava/lang/String;)V" resource="file:arg0"/>
  <guard permission="file.open" method="java/io/FileInputStream.&lt;init&gt;(Ljava/io/File;)V" resource="file:arg0"/>
  <guard permission="file.open" method="java/io/FileReader.&lt;init&gt;(Ljava/lang/String;)V" resource="file:arg0"/>
  <guard permission="file.open" method="java/nio/file/Files.newInputStream" resource="file:arg0"/>
  <guard permission="file.open" method="java/nio/file/Files.newBufferedReader" resource="file:arg0"/>
  <guard permission="file.read" method="java/nio/file/Files.readAll*" resource="file:arg0"/>
  <guard permission="file.read" method="java/nio/file/Files.readString" resource="file:arg0"/>
  <guard permission="file.read" method="java/io/FileInputStream.read*" resource="file:this"/>
  <guard permission="file.read" method="java/io/InputStream.read*" resource="file:this"/>
  <guard permission="file.read" method="java/io/Reader.read*" resource="file:this"/>
  <guard permission="file.read" method="java/io/BufferedReader.read*" resource="file:this"/>
  <guard permission="property.read" method="java/lang/System.getProperty(Ljava/lang/String;)Ljava/lang/String;" resource="property:arg0"/>
  <guard permission="property.write" method="java/lang/System.setProperty" resource="property:arg0"/>
  <guard permission="exit" method="java/lang/System.exit(I)V" resource="exit:arg0"/>
  <guard permission="exit" method="java/lang/Runtime.exit(I)V" resource="exit:arg0"/>
  <guard permission="thread.modify" method="java/lang/Thread.setPriority(I)V" resource="thread:this"/>
  <guard permission="socket.connect" method="java/net/Socket.connect" resource="host:arg0"/>
</policy>
`
