<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="177"/>
        <source>Operations dashboard for job and message queues.</source>
        <translation>Betriebs-Dashboard für Job- und Nachrichtenwarteschlangen.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="64"/>
        <source>Start the embedded Delayed::Job demo.</source>
        <translation>Die eingebaute Delayed::Job-Demo starten.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="66"/>
        <source>Monitor URL for this run only (repeatable).</source>
        <translation>Diese URL nur für diesen Lauf überwachen (mehrfach angebbar).</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="69"/>
        <source>Poll interval in seconds.</source>
        <translation>Abfrageintervall in Sekunden.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="72"/>
        <source>Render the window to a PNG and exit.</source>
        <translation>Das Fenster als PNG speichern und beenden.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="75"/>
        <source>With --screenshot: wait this long first.</source>
        <translation>Mit --screenshot: vorher so lange warten.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="78"/>
        <source>Open this queue of the first connection.</source>
        <translation>Diese Warteschlange der ersten Verbindung öffnen.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="81"/>
        <source>With --queue: open its Jobs tab on this state.</source>
        <translation>Mit --queue: den Reiter „Jobs“ in diesem Zustand öffnen.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="85"/>
        <source>Open the alert rules editor of the first connection.</source>
        <translation>Den Editor für Alarmregeln der ersten Verbindung öffnen.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="88"/>
        <source>Start in war-room mode: a full-screen wall (F11 toggles).</source>
        <translation>Im Lagemodus starten: eine Vollbild-Wand (F11 schaltet um).</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="91"/>
        <source>With --wall: switch between connections every SECONDS.</source>
        <translation>Mit --wall: alle SECONDS Sekunden zur nächsten Verbindung wechseln.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="94"/>
        <source>With --screenshot: the size to render, e.g. 3840x2160.</source>
        <translation>Mit --screenshot: die Größe des Bildes, z. B. 3840x2160.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="97"/>
        <source>Look for this run: system, light or dark.</source>
        <translation>Erscheinungsbild für diesen Start: system, light oder dark.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="100"/>
        <source>Language for this run, e.g. de or en.</source>
        <translation>Sprache für diesen Start, z. B. de oder en.</translation>
    </message>
</context>
<context>
    <name>qd</name>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="427"/>
        <source>%1 to %2</source>
        <translation>%1 nach %2</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="429"/>
        <source>%1 %2 %3 job(s)</source>
        <translation>%2 Job(s) im Zustand %3 %1</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="430"/>
        <source>%1 %2 %3 job(s) in %4</source>
        <translation>%2 Job(s) im Zustand %3 in %4 %1</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="432"/>
        <source> (%1 skipped: no longer %2)</source>
        <translation> (%1 übersprungen: nicht mehr im Zustand %2)</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="435"/>
        <source> — stopped, %1 left for a resume</source>
        <translation> — angehalten, %1 bleiben zum Fortsetzen</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="437"/>
        <source> — interrupted (%1), %2 left for a resume</source>
        <translation> — unterbrochen (%1), %2 bleiben zum Fortsetzen</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="84"/>
        <source>Operator %1: %2</source>
        <translation>Bediener %1: %2</translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="67"/>
        <location filename="../core/privatefiles.cpp" line="77"/>
        <source>cannot read the password file %1: %2</source>
        <translation>die Passwortdatei %1 ist nicht lesbar: %2</translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="70"/>
        <source>the password file %1 is readable by other users (mode %2); refusing to use it. Run: chmod 600 %1</source>
        <translation>die Passwortdatei %1 ist für andere Benutzer lesbar (Modus %2); sie wird nicht verwendet. Abhilfe: chmod 600 %1</translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="87"/>
        <source>the password file %1 is empty (its first line is the password)</source>
        <translation>die Passwortdatei %1 ist leer (ihre erste Zeile ist das Passwort)</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="35"/>
        <source>unknown key &quot;%1&quot; (known: %2)</source>
        <translation>unbekannter Schlüssel „%1“ (bekannt: %2)</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="43"/>
        <source>connections[%1]</source>
        <translation>connections[%1]</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="45"/>
        <source>%1: a connection is a map with name and url</source>
        <translation>%1: eine Verbindung ist eine Zuordnung mit name und url</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="58"/>
        <source>%1: name and url are required</source>
        <translation>%1: name und url sind nötig</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="62"/>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="66"/>
        <source>%1 (%2): a team+ URL reads the database of a team server; the server polls the backends themselves</source>
        <translation>%1 (%2): eine team+-URL liest die Datenbank eines Team-Servers; der Server fragt die Backends selbst ab</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="71"/>
        <source>%1 (%2): the URL holds a password; put it in password_env or password_file, never in the configuration</source>
        <translation>%1 (%2): die URL enthält ein Passwort; gehört in password_env oder password_file, nie in die Konfiguration</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="75"/>
        <source>%1 (%2): password_env or password_file, not both</source>
        <translation>%1 (%2): password_env oder password_file, nicht beides</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="98"/>
        <source>the configuration is a YAML map (database, metrics, interval, connections)</source>
        <translation>die Konfiguration ist eine YAML-Zuordnung (database, metrics, interval, connections)</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="108"/>
        <source>database: %1</source>
        <translation>database: %1</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="112"/>
        <source>metrics: expected host:port, e.g. 127.0.0.1:9187</source>
        <translation>metrics: erwartet host:port, z. B. 127.0.0.1:9187</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="118"/>
        <source>interval: seconds between polls, from 1 to 3600</source>
        <translation>interval: Sekunden zwischen Abfragen, von 1 bis 3600</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="123"/>
        <source>connections: a list of at least one connection (name, url)</source>
        <translation>connections: eine Liste mit mindestens einer Verbindung (name, url)</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="132"/>
        <source>connections: the name &quot;%1&quot; is given twice</source>
        <translation>connections: der Name „%1“ kommt zweimal vor</translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="64"/>
        <source>The team server has no connection named &quot;%1&quot;.</source>
        <translation>Der Team-Server hat keine Verbindung namens „%1“.</translation>
    </message>
</context>
<context>
    <name>qd::ActionTexts</name>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="12"/>
        <source>retried</source>
        <translation>erneut ausgeführt</translation>
    </message>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="13"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="14"/>
        <source>moved</source>
        <translation>verschoben</translation>
    </message>
</context>
<context>
    <name>qd::AddConnectionDialog</name>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="21"/>
        <source>Add Connection</source>
        <translation>Verbindung hinzufügen</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="24"/>
        <source>e.g. Production jobs</source>
        <translation>z. B. Produktions-Jobs</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="25"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="27"/>
        <source>Choose an example…</source>
        <translation>Beispiel auswählen…</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="31"/>
        <source>&amp;Example:</source>
        <translation>&amp;Beispiel:</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="35"/>
        <source>Connection URL</source>
        <translation>Verbindungs-URL</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="36"/>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="37"/>
        <source>&amp;Test</source>
        <translation>&amp;Testen</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="38"/>
        <source>Connect once and read a snapshot, without saving anything</source>
        <translation>Einmal verbinden und einen Schnappschuss lesen, ohne etwas zu speichern</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="45"/>
        <source>Passwords are never stored in the settings file.</source>
        <translation>Passwörter werden nie in der Einstellungsdatei gespeichert.</translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="109"/>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/addconnectiondialog.cpp" line="117"/>
        <source>OK: %n queue(s) found.</source>
        <translation>
            <numerusform>OK: %n Warteschlange gefunden.</numerusform>
            <numerusform>OK: %n Warteschlangen gefunden.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="119"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>qd::AlertListModel</name>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="145"/>
        <source>%1 (snoozed until %2)</source>
        <translation>%1 (schlummert bis %2)</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="149"/>
        <source> (ack)</source>
        <translation> (bestätigt)</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="186"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="187"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="188"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="189"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="190"/>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="191"/>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
</context>
<context>
    <name>qd::AlertMessages</name>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="22"/>
        <source>warn %1</source>
        <translation>Warnung %1</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="25"/>
        <source>crit %1</source>
        <translation>kritisch %1</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="35"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="38"/>
        <source>%1 m %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="38"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="40"/>
        <source>%1 h %2 m</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="47"/>
        <source>%1: age of the oldest job is unknown</source>
        <translation>%1: Alter des ältesten Jobs ist unbekannt</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="50"/>
        <source>%1: oldest job waited at least %2 (as long as Queuedeck has watched it)%3</source>
        <translation>%1: ältester Job wartet mindestens %2 (so lange beobachtet Queuedeck ihn)%3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="53"/>
        <source>%1: oldest job waited %2%3</source>
        <translation>%1: ältester Job wartete %2%3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="59"/>
        <source>%1: depth is unknown</source>
        <translation>%1: Länge ist unbekannt</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="61"/>
        <source>%1: %2 jobs waiting%3</source>
        <translation>%1: %2 Jobs warten%3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="67"/>
        <source>%1: depth grew from %2 to %3 in %4</source>
        <translation>%1: Länge wuchs in %4 von %2 auf %3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="69"/>
        <source>; arriving %1/min, done %2/min</source>
        <translation>; Eingang %1/min, erledigt %2/min</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="71"/>
        <source>; drains in about %1</source>
        <translation>; in etwa %1 abgearbeitet</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="73"/>
        <source>; not draining at this rate</source>
        <translation>; bei dieser Rate wird sie nicht abgearbeitet</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="81"/>
        <source>%1 jobs wait and no worker is taking them</source>
        <translation>%1 Jobs warten und kein Worker nimmt sie an</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="83"/>
        <source> (%1 worker(s) lost)</source>
        <translation> (%1 Worker verloren)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="86"/>
        <source>; this backend shows only workers holding a job</source>
        <translation>; dieses Backend zeigt nur Worker, die gerade einen Job haben</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="93"/>
        <source>%1: %2 waiting, 0 consumers</source>
        <translation>%1: %2 wartend, 0 Consumer</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="95"/>
        <source> (the %1 live worker(s) serve other queues)</source>
        <translation> (die %1 lebenden Worker bedienen andere Warteschlangen)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="102"/>
        <source>%1: %2 jobs wait and the backlog has not drained for %3 polls (%4)</source>
        <translation>%1: %2 Jobs warten, und der Rückstand ist seit %3 Abfragen nicht kleiner geworden (%4)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="106"/>
        <source>nothing completed</source>
        <translation>nichts abgeschlossen</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="106"/>
        <source>completions unknown</source>
        <translation>Abschlüsse unbekannt</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="116"/>
        <source>%1: %2 dead letters, rejected from %3</source>
        <translation>%1: %2 Dead Letters, abgewiesen von %3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="118"/>
        <source>; %1 new in the last %2</source>
        <translation>; %1 neu in den letzten %2</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="125"/>
        <source>%1 worker(s) lost: their heartbeat or lock expired</source>
        <translation>%1 Worker verloren: ihr Heartbeat oder ihre Sperre ist abgelaufen</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="132"/>
        <source> and %1 more</source>
        <translation> und %1 weitere</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="140"/>
        <source>%1: %2 taken jobs and nothing completed for %3: a consumer may hold them without working</source>
        <translation>%1: %2 übernommene Jobs und seit %3 nichts abgeschlossen: ein Consumer hält sie womöglich, ohne zu arbeiten</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="149"/>
        <source>%1: %2 jobs held by a lost worker</source>
        <translation>%1: %2 Jobs von einem verlorenen Worker gehalten</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="150"/>
        <source>%1: %2 jobs held by lost worker %3</source>
        <translation>%1: %2 Jobs vom verlorenen Worker %3 gehalten</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="155"/>
        <source>%1: a job has failed %2 times and is still being retried</source>
        <translation>%1: ein Job ist %2-mal fehlgeschlagen und wird weiterhin wiederholt</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="160"/>
        <source>%1: %2 failures per minute</source>
        <translation>%1: %2 Fehlschläge pro Minute</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="165"/>
        <source>new queue %1 discovered: is anything monitoring and working it?</source>
        <translation>neue Warteschlange %1 entdeckt: wird sie überwacht und abgearbeitet?</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="170"/>
        <source>backend unreachable: %1</source>
        <translation>Backend nicht erreichbar: %1</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="175"/>
        <source>no successful poll for %1 intervals</source>
        <translation>seit %1 Intervallen keine erfolgreiche Abfrage</translation>
    </message>
</context>
<context>
    <name>qd::AlertRule</name>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="67"/>
        <source>oldest job age</source>
        <translation>Alter des ältesten Jobs</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="68"/>
        <source>depth</source>
        <translation>Länge</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="69"/>
        <source>depth growing</source>
        <translation>wachsende Länge</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="70"/>
        <source>no workers</source>
        <translation>keine Worker</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="71"/>
        <source>queue not served</source>
        <translation>Warteschlange nicht bedient</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="72"/>
        <source>worker lost</source>
        <translation>Worker verloren</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="73"/>
        <source>failure rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="74"/>
        <source>poison job</source>
        <translation>Giftjob</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="75"/>
        <source>new queue</source>
        <translation>neue Warteschlange</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="76"/>
        <source>backend unreachable</source>
        <translation>Backend nicht erreichbar</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="77"/>
        <source>data stale</source>
        <translation>Daten veraltet</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="78"/>
        <source>backlog not draining</source>
        <translation>Rückstand baut sich nicht ab</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="79"/>
        <source>dead letters</source>
        <translation>Dead Letters</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="80"/>
        <source>stuck work</source>
        <translation>festhängende Arbeit</translation>
    </message>
</context>
<context>
    <name>qd::AlertRuleModel</name>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="37"/>
        <source>Rule %1 (%2): %3</source>
        <translation>Regel %1 (%2): %3</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="161"/>
        <source>(whole connection)</source>
        <translation>(ganze Verbindung)</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="163"/>
        <location filename="../models/alertrulemodel.cpp" line="166"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="169"/>
        <source>at once</source>
        <translation>sofort</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="176"/>
        <source>This rule cannot be used: %1</source>
        <translation>Diese Regel kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="180"/>
        <source>Rule id: %1</source>
        <translation>Regel-ID: %1</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="182"/>
        <source>Queue name or glob (* and ?): mail*, print-?</source>
        <translation>Name der Warteschlange oder Muster (* und ?): mail*, print-?</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="183"/>
        <source>This rule watches the whole connection, not single queues.</source>
        <translation>Diese Regel überwacht die ganze Verbindung, nicht einzelne Warteschlangen.</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="190"/>
        <source>An alert clears only once the value drops below this share of the level it crossed, so a value hovering at the threshold does not flap.</source>
        <translation>Ein Alarm endet erst, wenn der Wert unter diesen Anteil der überschrittenen Stufe fällt, damit ein Wert, der um den Schwellwert pendelt, nicht ständig umschaltet.</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="228"/>
        <source>unknown rule kind</source>
        <translation>unbekannte Regelart</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="245"/>
        <source>say which queues the rule watches (* for all)</source>
        <translation>geben Sie an, welche Warteschlangen die Regel überwacht (* für alle)</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="270"/>
        <source>&quot;%1&quot; is not a share between 1% and 100%</source>
        <translation>„%1“ ist kein Anteil zwischen 1 % und 100 %</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="305"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="307"/>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="309"/>
        <source>Warn above</source>
        <translation>Warnung über</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="311"/>
        <source>Critical above</source>
        <translation>Kritisch über</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="313"/>
        <source>For</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="315"/>
        <source>Clears below</source>
        <translation>Endet unter</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="321"/>
        <source>Ages take s/m/h/d (90s, 5m, 1h30m); counts and rates are numbers. Empty: no such level.</source>
        <translation>Alter mit s/m/h/d (90s, 5m, 1h30m); Anzahlen und Raten sind Zahlen. Leer: keine solche Stufe.</translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="323"/>
        <source>How long a level must hold before the alert fires.</source>
        <translation>Wie lange eine Stufe anhalten muss, bevor der Alarm auslöst.</translation>
    </message>
</context>
<context>
    <name>qd::AlertRulesDialog</name>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="61"/>
        <source>Alert Rules — %1</source>
        <translation>Alarmregeln — %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="64"/>
        <source>Each rule fires WARN or CRIT when its level holds for the time in &quot;For&quot;. Ages take s/m/h/d (90s, 5m, 1h30m). queuedeckctl check --rules-file reads the same rules (Export…).</source>
        <translation>Jede Regel löst WARN oder CRIT aus, wenn ihre Stufe für die Zeit unter „Dauer“ anhält. Alter mit s/m/h/d (90s, 5m, 1h30m). queuedeckctl check --rules-file liest dieselben Regeln (Exportieren…).</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="83"/>
        <source>Alert rules</source>
        <translation>Alarmregeln</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="123"/>
        <source>&amp;Add Rule</source>
        <translation>Regel &amp;hinzufügen</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="133"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="135"/>
        <source>Reset to &amp;Defaults</source>
        <translation>&amp;Standard wiederherstellen</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="136"/>
        <source>Oldest job 5/15 min, no workers, lost workers, poison jobs, failure rate, new queues, unreachable, stale data.</source>
        <translation>Ältester Job 5/15 min, keine Worker, verlorene Worker, Giftjobs, Fehlerrate, neue Warteschlangen, nicht erreichbar, veraltete Daten.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="138"/>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="139"/>
        <source>Replace the rules with those of a JSON file (the format Export writes)</source>
        <translation>Die Regeln durch die einer JSON-Datei ersetzen (im Format, das „Exportieren“ schreibt)</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="140"/>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="142"/>
        <source>Save the rules as JSON, for queuedeckctl check/watch --rules-file or another connection</source>
        <translation>Die Regeln als JSON speichern, für queuedeckctl check/watch --rules-file oder eine andere Verbindung</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="145"/>
        <source>Import Alert Rules</source>
        <translation>Alarmregeln importieren</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="145"/>
        <location filename="../widgets/alertrulesdialog.cpp" line="152"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="151"/>
        <source>Export Alert Rules</source>
        <translation>Alarmregeln exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="170"/>
        <source>Post alert changes to a &amp;webhook</source>
        <translation>Alarmänderungen an einen &amp;Webhook senden</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="175"/>
        <source>Slack-compatible (Slack, Mattermost, Rocket.Chat)</source>
        <translation>Slack-kompatibel (Slack, Mattermost, Rocket.Chat)</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="176"/>
        <source>PagerDuty Events v2</source>
        <translation>PagerDuty Events v2</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="177"/>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="180"/>
        <source>Webhook URL</source>
        <translation>Webhook-URL</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="182"/>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="185"/>
        <source>PagerDuty routing key</source>
        <translation>PagerDuty-Routing-Schlüssel</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="186"/>
        <source>Routing &amp;key:</source>
        <translation>Routing-Sch&amp;lüssel:</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="187"/>
        <source>Send &amp;Test</source>
        <translation>&amp;Test senden</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="188"/>
        <source>Post one test message now, with the settings as typed</source>
        <translation>Jetzt eine Testnachricht mit den eingegebenen Einstellungen senden</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="194"/>
        <source>This connection is not saved: its rules and webhook last until Queuedeck quits.</source>
        <translation>Diese Verbindung ist nicht gespeichert: Ihre Regeln und ihr Webhook gelten nur, bis Queuedeck beendet wird.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="195"/>
        <source>The URL and routing key are kept in the desktop keyring, not in the settings file.</source>
        <translation>URL und Routing-Schlüssel werden im Schlüsselbund des Desktops aufbewahrt, nicht in der Einstellungsdatei.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="105"/>
        <source>Not changed: %1</source>
        <translation>Nicht geändert: %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="245"/>
        <source>Webhook: %1</source>
        <translation>Webhook: %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="248"/>
        <source>Webhook: PagerDuty needs the integration&apos;s routing key</source>
        <translation>Webhook: PagerDuty braucht den Routing-Schlüssel der Integration</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="302"/>
        <source>Default rules restored; OK applies them.</source>
        <translation>Standardregeln wiederhergestellt; OK übernimmt sie.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="311"/>
        <source>Not imported: %1</source>
        <translation>Nicht importiert: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/alertrulesdialog.cpp" line="315"/>
        <source>%n rule(s) imported; OK applies them.</source>
        <translation>
            <numerusform>%n Regel importiert; OK übernimmt sie.</numerusform>
            <numerusform>%n Regeln importiert; OK übernimmt sie.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="325"/>
        <source>Rules exported to %1.</source>
        <translation>Regeln nach %1 exportiert.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="325"/>
        <source>Not exported: %1</source>
        <translation>Nicht exportiert: %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="337"/>
        <source>Reading the keyring…</source>
        <translation>Lese den Schlüsselbund…</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="343"/>
        <source>The webhook&apos;s URL could not be read: %1</source>
        <translation>Die URL des Webhooks konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="377"/>
        <source>Test message from Queuedeck: alerts of %1 will be posted here.</source>
        <translation>Testnachricht von Queuedeck: Alarme von %1 werden hier gemeldet.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="379"/>
        <source>Sending a test message…</source>
        <translation>Sende eine Testnachricht…</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="388"/>
        <source>Test message delivered.</source>
        <translation>Testnachricht zugestellt.</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="390"/>
        <source>Test message failed: %1</source>
        <translation>Testnachricht fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="408"/>
        <source>Saving to the keyring…</source>
        <translation>Speichere im Schlüsselbund…</translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="415"/>
        <source>Not saved — the keyring refused the webhook: %1</source>
        <translation>Nicht gespeichert — der Schlüsselbund hat den Webhook abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>qd::AlertRulesIO</name>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="96"/>
        <source>Fires when the oldest waiting job has waited longer than this (e.g. 5m, 1h30m).</source>
        <translation>Löst aus, wenn der älteste wartende Job länger als diese Zeit gewartet hat (z. B. 5m, 1h30m).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="98"/>
        <source>Fires when more jobs than this are waiting.</source>
        <translation>Löst aus, wenn mehr Jobs als diese Anzahl warten.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="100"/>
        <source>Fires when the queue grew by more than this many jobs over the window while arrivals outpaced completions (0: any growth).</source>
        <translation>Löst aus, wenn die Warteschlange im Zeitfenster um mehr als diese Anzahl Jobs gewachsen ist, während mehr Jobs eingingen als erledigt wurden (0: jedes Wachstum).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="103"/>
        <source>Fires when more jobs than this wait and no live worker is there (0: any job).</source>
        <translation>Löst aus, wenn mehr Jobs als diese Anzahl warten und kein aktiver Worker da ist (0: jeder Job).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="105"/>
        <source>Fires when more jobs than this wait in a queue no live worker listens to.</source>
        <translation>Löst aus, wenn mehr Jobs als diese Anzahl in einer Warteschlange warten, die kein aktiver Worker abhört.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="107"/>
        <source>Fires when more workers than this stopped sending heartbeats (0: any).</source>
        <translation>Löst aus, wenn mehr Worker als diese Anzahl keine Heartbeats mehr senden (0: jeder).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="109"/>
        <source>Fires when more jobs than this fail per minute.</source>
        <translation>Löst aus, wenn pro Minute mehr Jobs als diese Anzahl fehlschlagen.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="111"/>
        <source>Fires when one job has failed more times than this and is still retried.</source>
        <translation>Löst aus, wenn ein Job öfter als diese Anzahl fehlgeschlagen ist und weiterhin wiederholt wird.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="113"/>
        <source>A newly discovered queue is always a warning; no threshold.</source>
        <translation>Eine neu entdeckte Warteschlange ist immer eine Warnung; kein Schwellwert.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="115"/>
        <source>Set a level to 0 to choose how bad an unreachable backend is (warn or crit).</source>
        <translation>Setzen Sie eine Stufe auf 0, um festzulegen, wie schwer ein nicht erreichbares Backend wiegt (Warnung oder kritisch).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="117"/>
        <source>Fires when no poll succeeded for more than this many poll intervals.</source>
        <translation>Löst aus, wenn über mehr als diese Anzahl Abfrageintervalle keine Abfrage gelang.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="119"/>
        <source>Fires when jobs have waited for more than this many polls in a row while the depth did not fall and nothing was seen completing.</source>
        <translation>Löst aus, wenn Jobs mehr als so viele Abfragen in Folge warten, während die Tiefe nicht sank und kein Abschluss zu sehen war.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="122"/>
        <source>Fires when more taken jobs than this are stuck: held by a lost worker, or taken while nothing completes.</source>
        <translation>Löst aus, wenn mehr übernommene Jobs als diese festhängen: von einem verlorenen Worker gehalten, oder übernommen, während nichts abgeschlossen wird.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="125"/>
        <source>Fires while new letters arrive in a dead-letter queue (in the last 10 minutes) and it holds more than this (0: any). Other rules leave dead-letter queues alone.</source>
        <translation>Löst aus, solange neue Nachrichten in einer Dead-Letter-Warteschlange ankommen (in den letzten 10 Minuten) und sie mehr als diese hält (0: jede). Andere Regeln lassen Dead-Letter-Warteschlangen in Ruhe.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="135"/>
        <source>The window the growth is measured over.</source>
        <translation>Das Zeitfenster, über das das Wachstum gemessen wird.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="137"/>
        <source>How long a new queue stays flagged.</source>
        <translation>Wie lange eine neue Warteschlange markiert bleibt.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="139"/>
        <source>Not used: the level itself counts polls.</source>
        <translation>Nicht verwendet: die Schwelle zählt selbst Abfragen.</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="141"/>
        <source>How long taken jobs may sit while nothing completes before they count as stuck (jobs of a lost worker count at once).</source>
        <translation>Wie lange übernommene Jobs liegen dürfen, während nichts abgeschlossen wird, bevor sie als festhängend gelten (Jobs eines verlorenen Workers zählen sofort).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="144"/>
        <source>How long the level must hold before the alert fires (restart blips stay quiet).</source>
        <translation>Wie lange die Stufe anhalten muss, bevor der Alarm auslöst (kurze Ausreißer bei Neustarts bleiben still).</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="172"/>
        <source>rule %1: unknown kind &quot;%2&quot;</source>
        <translation>Regel %1: unbekannte Art „%2“</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="187"/>
        <source>rule %1 (%2): %3</source>
        <translation>Regel %1 (%2): %3</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="190"/>
        <source>rule %1: the id &quot;%2&quot; is used twice</source>
        <translation>Regel %1: die ID „%2“ wird doppelt verwendet</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="202"/>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="206"/>
        <source>%1 is too big for a rules file</source>
        <translation>%1 ist zu groß für eine Regeldatei</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="212"/>
        <source>%1 is not a JSON list of rules (%2)</source>
        <translation>%1 ist keine JSON-Liste von Regeln (%2)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="213"/>
        <source>not a list</source>
        <translation>keine Liste</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="222"/>
        <location filename="../core/alerts/alertrulesio.cpp" line="226"/>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="234"/>
        <source>the rule has no id</source>
        <translation>die Regel hat keine ID</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="237"/>
        <source>say which queues it watches (* for all)</source>
        <translation>geben Sie an, welche Warteschlangen sie überwacht (* für alle)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="241"/>
        <source>thresholds must be numbers of 0 or more</source>
        <translation>Schwellwerte müssen Zahlen ab 0 sein</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="245"/>
        <source>set a warning or a critical level (a rule without either never fires)</source>
        <translation>legen Sie eine Warn- oder eine kritische Stufe fest (eine Regel ohne beides löst nie aus)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="248"/>
        <source>the warning level is above the critical level</source>
        <translation>die Warnstufe liegt über der kritischen Stufe</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="251"/>
        <source>&quot;for&quot; must be between 0 and 30 days</source>
        <translation>„Dauer“ muss zwischen 0 und 30 Tagen liegen</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="254"/>
        <source>say how long a new queue stays flagged</source>
        <translation>geben Sie an, wie lange eine neue Warteschlange markiert bleibt</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="257"/>
        <source>the clear ratio must be above 0 and at most 1</source>
        <translation>der Endwert-Anteil muss über 0 und höchstens 1 sein</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="303"/>
        <source>&quot;%1&quot; is not a duration (try 90s, 5m or 1h30m)</source>
        <translation>„%1“ ist keine Dauer (versuchen Sie 90s, 5m oder 1h30m)</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="336"/>
        <source>&quot;%1&quot; is not a number of 0 or more</source>
        <translation>„%1“ ist keine Zahl ab 0</translation>
    </message>
</context>
<context>
    <name>qd::AlertSettings</name>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="32"/>
        <source>Webhook delivery failed: %1</source>
        <translation>Zustellung an den Webhook fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="46"/>
        <source>%1: the saved alert rules could not be read (%2); the default rules apply.</source>
        <translation>%1: Die gespeicherten Alarmregeln konnten nicht gelesen werden (%2); es gelten die Standardregeln.</translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="61"/>
        <source>%1: the webhook to %2 is on, but its URL is not in the keyring; open Alert Rules to enter it again.</source>
        <translation>%1: Der Webhook an %2 ist eingeschaltet, aber seine URL fehlt im Schlüsselbund; öffnen Sie die Alarmregeln, um sie erneut einzugeben.</translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="64"/>
        <source>%1: the webhook to %2 is off for now: %3</source>
        <translation>%1: Der Webhook an %2 ist vorerst ausgeschaltet: %3</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/alertsettings.cpp" line="106"/>
        <source>alert rules changed (%n rule(s))</source>
        <translation>
            <numerusform>Alarmregeln geändert (%n Regel)</numerusform>
            <numerusform>Alarmregeln geändert (%n Regeln)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="108"/>
        <source>webhook on (%1, %2)</source>
        <translation>Webhook ein (%1, %2)</translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="109"/>
        <source>webhook off</source>
        <translation>Webhook aus</translation>
    </message>
</context>
<context>
    <name>qd::AlertState</name>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="88"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="89"/>
        <source>WARN</source>
        <translation>WARNUNG</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="90"/>
        <source>CRIT</source>
        <translation>KRITISCH</translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="91"/>
        <source>UNKNOWN</source>
        <translation>UNBEKANNT</translation>
    </message>
</context>
<context>
    <name>qd::AlertsDock</name>
    <message>
        <location filename="../app/gui/alertsdock.cpp" line="100"/>
        <source>Active alerts</source>
        <translation>Aktive Alarme</translation>
    </message>
    <message>
        <location filename="../app/gui/alertsdock.cpp" line="95"/>
        <source>Alerts — none active</source>
        <translation>Alarme — keiner aktiv</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/alertsdock.cpp" line="95"/>
        <source>Alerts (%n active)</source>
        <translation>
            <numerusform>Alarme (%n aktiv)</numerusform>
            <numerusform>Alarme (%n aktiv)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::AuditLog</name>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="68"/>
        <source>Cannot create the directory of the audit log %1.</source>
        <translation>Das Verzeichnis des Prüfprotokolls %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="76"/>
        <source>Cannot open the audit log %1: %2</source>
        <translation>Das Prüfprotokoll %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="90"/>
        <location filename="../core/audit/auditlog.cpp" line="102"/>
        <location filename="../core/audit/auditlog.cpp" line="116"/>
        <source>%1 is not a usable audit log: %2</source>
        <translation>%1 ist kein verwendbares Prüfprotokoll: %2</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="310"/>
        <source>The audit log is not open.</source>
        <translation>Das Audit-Protokoll ist nicht geöffnet.</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="316"/>
        <source>The audit log is busy: %1</source>
        <translation>Das Audit-Protokoll ist belegt: %1</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="323"/>
        <source>There is no bulk run %1 in the journal.</source>
        <translation>Im Journal gibt es keinen Massenlauf %1.</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="332"/>
        <source>Bulk run %1 is already done.</source>
        <translation>Massenlauf %1 ist bereits abgeschlossen.</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="336"/>
        <source>Bulk run %1 is being resumed by %2 (host/process); it is left to it. Resume it when that process has ended, or at the latest after %3.</source>
        <translation>Massenlauf %1 wird gerade von %2 (Host/Prozess) fortgesetzt und bleibt ihm überlassen. Setzen Sie ihn fort, wenn dieser Prozess beendet ist, spätestens nach %3.</translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="351"/>
        <source>The audit log refused the lease: %1</source>
        <translation>Das Audit-Protokoll hat die Übernahme abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>qd::AuditModel</name>
    <message numerus="yes">
        <location filename="../models/auditmodel.cpp" line="78"/>
        <source>%n job(s)</source>
        <translation>
            <numerusform>%n Job</numerusform>
            <numerusform>%n Jobs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="102"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="103"/>
        <source>Operator</source>
        <translation>Bediener</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="104"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="105"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="106"/>
        <source>Expected state</source>
        <translation>Erwarteter Zustand</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="107"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="108"/>
        <source>Selection</source>
        <translation>Auswahl</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="109"/>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="110"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="111"/>
        <source>Dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="113"/>
        <source>Payload before</source>
        <extracomment>edit and resend: the job as it was before the operator&apos;s edit</extracomment>
        <translation>Payload vorher</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="114"/>
        <source>Payload after</source>
        <translation>Payload nachher</translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="115"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>qd::AuditView</name>
    <message>
        <location filename="../widgets/auditview.cpp" line="90"/>
        <source>Audit Log</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="91"/>
        <source>Filter: operator, connection, job id, result…</source>
        <translation>Filter: Bediener, Verbindung, Job-ID, Ergebnis…</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="92"/>
        <source>Audit filter</source>
        <translation>Filter des Prüfprotokolls</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="93"/>
        <source>All actions</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="94"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="95"/>
        <source>Audit log entries</source>
        <translation>Einträge des Prüfprotokolls</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="96"/>
        <source>Export CSV…</source>
        <translation>Als CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="97"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <location filename="../widgets/auditview.cpp" line="79"/>
        <source>Export Audit Log</source>
        <translation>Prüfprotokoll exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <source>queuedeck-audit.csv</source>
        <translation>queuedeck-pruefprotokoll.csv</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="155"/>
        <source>There is no audit log: actions are disabled.</source>
        <translation>Es gibt kein Prüfprotokoll: Aktionen sind deaktiviert.</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="142"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="158"/>
        <source>%1 of %2 entries shown (the newest %3) · %4</source>
        <translation>%1 von %2 Einträgen angezeigt (die neuesten %3) · %4</translation>
    </message>
</context>
<context>
    <name>qd::Backend</name>
    <message>
        <location filename="../core/backend.cpp" line="19"/>
        <source>Listing jobs is not supported by the %1 backend yet.</source>
        <translation>Das Backend %1 unterstützt das Auflisten von Jobs noch nicht.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="26"/>
        <source>Job details are not supported by the %1 backend yet.</source>
        <translation>Das Backend %1 unterstützt Job-Details noch nicht.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="33"/>
        <source>A breakdown by job class is not available for the %1 backend.</source>
        <translation>Für das Backend %1 gibt es keine Aufschlüsselung nach Job-Klasse.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="42"/>
        <source>Moving messages between queues is not supported by the %1 backend.</source>
        <translation>Das Backend %1 unterstützt das Verschieben von Nachrichten zwischen Warteschlangen nicht.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="57"/>
        <source>The %1 backend has no way to pause a queue that its workers respect.</source>
        <translation>Das Backend %1 kann keine Warteschlange so pausieren, dass seine Worker es beachten.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="62"/>
        <source>Jobs of the %1 backend cannot be edited and resent from here.</source>
        <translation>Jobs des Backends %1 lassen sich von hier aus nicht bearbeiten und erneut senden.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="79"/>
        <source>The %1 backend did not implement worker signals.</source>
        <translation>Das Backend %1 kann Worker nicht benachrichtigen.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="91"/>
        <source>No worker was named.</source>
        <translation>Es wurde kein Worker angegeben.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="99"/>
        <source>%1 workers cannot be told to stop taking jobs from here.</source>
        <translation>%1-Worker lassen sich von hier aus nicht anweisen, keine Jobs mehr anzunehmen.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="100"/>
        <source>%1 workers cannot be stopped from here: stop them where they run.</source>
        <translation>%1-Worker lassen sich von hier aus nicht stoppen: Stoppen Sie sie dort, wo sie laufen.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="108"/>
        <source>Purging a queue is not supported by the %1 backend.</source>
        <translation>Das Backend %1 unterstützt das Leeren einer Warteschlange nicht.</translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="115"/>
        <source>Actions are not supported by the %1 backend.</source>
        <translation>Das Backend %1 unterstützt keine Aktionen.</translation>
    </message>
</context>
<context>
    <name>qd::BackendFactory</name>
    <message>
        <location filename="../core/backendfactory.cpp" line="41"/>
        <source>The %1 backend is not available in this build yet.</source>
        <translation>Das Backend %1 ist in diesem Build noch nicht verfügbar.</translation>
    </message>
</context>
<context>
    <name>qd::BulkDialog</name>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="29"/>
        <source>Finding the jobs to %1…</source>
        <translation>Suche die Jobs für „%1“…</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="41"/>
        <source>Resume bulk action #%1: %2 %3 job(s), %4 of them not yet done.</source>
        <translation>Massenaktion #%1 fortsetzen: %2 – %3 Job(s), davon %4 noch nicht erledigt.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="46"/>
        <source>Started %1 by %2 on %3
Selected by: %4
So far: %5 acted on, %6 skipped.%7

Jobs already handled are skipped, never acted on twice.</source>
        <translation>Gestartet %1 von %2 auf %3
Ausgewählt durch: %4
Bisher: %5 bearbeitet, %6 übersprungen.%7

Bereits bearbeitete Jobs werden übersprungen, nie zweimal bearbeitet.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="53"/>
        <source>
Stopped because: %1</source>
        <translation>
Angehalten, weil: %1</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="54"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Retry</source>
        <translation>Massenaktion: Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Cancel</source>
        <translation>Massenaktion: Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Move</source>
        <translation>Massenaktion: Verschieben</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="75"/>
        <source>What the action touches</source>
        <translation>Was die Aktion betrifft</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="81"/>
        <source>no limit</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="82"/>
        <source> jobs/s</source>
        <translation> Jobs/s</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="84"/>
        <source>Spare a recovering system: at most this many jobs per second.</source>
        <translation>Schonen Sie ein System, das sich erholt: höchstens so viele Jobs pro Sekunde.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="85"/>
        <source>Rate limit</source>
        <translation>Ratenbegrenzung</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="86"/>
        <source>Rate limit:</source>
        <translation>Ratenbegrenzung:</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="91"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="100"/>
        <source>Stop After This Batch</source>
        <translation>Nach diesem Stapel anhalten</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="110"/>
        <source>Stopping after the batch in flight…</source>
        <translation>Halte nach dem laufenden Stapel an…</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="119"/>
        <source>Retry</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="120"/>
        <source>Cancel (delete)</source>
        <translation>Abbrechen (löschen)</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="121"/>
        <source>Move to %1</source>
        <translation>Verschieben nach %1</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="141"/>
        <source>Nothing was changed.</source>
        <translation>Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="158"/>
        <source>No %1 job matches: there is nothing to %2.</source>
        <translation>Kein Job im Zustand %1 passt: Es gibt nichts für „%2“.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="161"/>
        <source>%1 %2 %3 job(s)?</source>
        <translation>%1: %2 Job(s) im Zustand %3?</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/bulkdialog.cpp" line="169"/>
        <source>%n class(es):</source>
        <translation>
            <numerusform>%n Klasse:</numerusform>
            <numerusform>%n Klassen:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="175"/>
        <source>Users: %1 by %2 (%3 job(s) without one)</source>
        <translation>Benutzer: %1 nach %2 (%3 Job(s) ohne Benutzer)</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="178"/>
        <source>Users: %1 by %2</source>
        <translation>Benutzer: %1 nach %2</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="180"/>
        <source>Users: unknown — no user rule for this connection yet (Tell Affected Users… sets one)</source>
        <translation>Benutzer: unbekannt – für diese Verbindung gibt es noch keine Benutzerregel (Betroffene Benutzer benachrichtigen… legt eine fest)</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="184"/>
        <source>Oldest: %1 ago</source>
        <translation>Ältester: vor %1</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="187"/>
        <source>Selected by: %1</source>
        <translation>Ausgewählt durch: %1</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="190"/>
        <source>Sample:</source>
        <translation>Stichprobe:</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="196"/>
        <source>Only jobs still %1 when their batch runs are touched; the others are skipped.</source>
        <translation>Nur Jobs, die beim Lauf ihres Stapels noch im Zustand %1 sind, werden bearbeitet; die anderen werden übersprungen.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="199"/>
        <source>%1 %2 Job(s)</source>
        <translation>%1: %2 Job(s)</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="235"/>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="243"/>
        <source>%1 of %2 done · %3 acted on · %4 skipped</source>
        <translation>%1 von %2 erledigt · %3 bearbeitet · %4 übersprungen</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="252"/>
        <source>%1 %2 · skipped %3 (no longer %4)</source>
        <translation>%1 %2 · %3 übersprungen (nicht mehr im Zustand %4)</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="255"/>
        <source> · %1 not attempted</source>
        <translation> · %1 nicht versucht</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="258"/>
        <source>Stopped. Bulk action #%1 can be resumed from the job list.</source>
        <translation>Angehalten. Die Massenaktion #%1 kann in der Job-Liste fortgesetzt werden.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="260"/>
        <source>Interrupted: %1 — bulk action #%2 can be resumed from the job list.</source>
        <translation>Unterbrochen: %1 — die Massenaktion #%2 kann in der Job-Liste fortgesetzt werden.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="264"/>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="268"/>
        <source>bulk %1 #%2: %3</source>
        <translation>Massenaktion %1 #%2: %3</translation>
    </message>
</context>
<context>
    <name>qd::BulkRun</name>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="40"/>
        <source>%1 job(s)</source>
        <translation>%1 Job(s)</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="42"/>
        <source> of %1 class(es)</source>
        <translation> aus %1 Klasse(n)</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="45"/>
        <source>, belonging to %1 user(s) by %2</source>
        <translation>, von %1 Benutzer(n) nach %2</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="47"/>
        <source> (%1 without one)</source>
        <translation> (%1 ohne Benutzer)</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="51"/>
        <source>, oldest waiting %1</source>
        <translation>, ältester wartet seit %1</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="54"/>
        <source> (classes, users and age from a sample of %1)</source>
        <translation> (Klassen, Benutzer und Alter aus einer Stichprobe von %1)</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="151"/>
        <location filename="../core/actions/bulkrun.cpp" line="331"/>
        <source>The connection is gone.</source>
        <translation>Die Verbindung besteht nicht mehr.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="215"/>
        <source>Cancelled before anything changed.</source>
        <translation>Abgebrochen, bevor sich etwas geändert hat.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="220"/>
        <source>Cannot list the jobs to act on: %1 — nothing was changed.</source>
        <translation>Die zu bearbeitenden Jobs können nicht aufgelistet werden: %1 — es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="262"/>
        <source>This connection cannot %1 jobs (it is read-only, or the backend cannot): nothing was changed and no run was recorded.</source>
        <translation>Diese Verbindung kann keine Jobs %1 (sie ist schreibgeschützt, oder das Backend kann es nicht): Nichts wurde geändert und kein Lauf aufgezeichnet.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="280"/>
        <source>Refusing to act without an audit log.</source>
        <translation>Ohne Prüfprotokoll wird keine Aktion ausgeführt.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="302"/>
        <source>%1 — blast radius: %2</source>
        <translation>%1 – Auswirkung: %2</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="307"/>
        <source>The audit log cannot record this bulk action, so nothing was changed.</source>
        <translation>Das Prüfprotokoll kann diese Massenaktion nicht aufzeichnen, daher wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="361"/>
        <source>bulk #%1, batch %2 of %3: %4%5</source>
        <translation>Massenaktion #%1, Stapel %2 von %3: %4%5</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="365"/>
        <source> → %1</source>
        <translation> → %1</translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="367"/>
        <source> — blast radius: %1</source>
        <translation> – Auswirkung: %1</translation>
    </message>
</context>
<context>
    <name>qd::ChannelSpec</name>
    <message>
        <location filename="../core/recipients/channels.cpp" line="54"/>
        <source>The SQL channel URL is invalid: %1. Example: %2</source>
        <translation>Die URL des SQL-Kanals ist ungültig: %1. Beispiel: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="63"/>
        <source>An SQLite channel needs an absolute path after three slashes. Example: %1</source>
        <translation>Ein SQLite-Kanal braucht nach drei Schrägstrichen einen absoluten Pfad. Beispiel: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="74"/>
        <source>A PostgreSQL channel looks like postgresql://user@host:5432/dbname?table=notifications.</source>
        <translation>Ein PostgreSQL-Kanal sieht so aus: postgresql://user@host:5432/dbname?table=notifications.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="78"/>
        <source>The SQL channel supports sqlite:// and postgresql:// URLs, not &quot;%1&quot;. Example: %2</source>
        <translation>Der SQL-Kanal unterstützt sqlite://- und postgresql://-URLs, nicht „%1“. Beispiel: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="86"/>
        <source>Unknown SQL channel option &quot;%1&quot;; known: %2.</source>
        <translation>Unbekannte Option „%1“ des SQL-Kanals; bekannt sind: %2.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="100"/>
        <source>&quot;%1&quot; is not a plain table name (letters, digits, _).</source>
        <translation>„%1“ ist kein einfacher Tabellenname (Buchstaben, Ziffern, _).</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="104"/>
        <source>&quot;%1&quot; is not a plain column name (letters, digits, _).</source>
        <translation>„%1“ ist kein einfacher Spaltenname (Buchstaben, Ziffern, _).</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="140"/>
        <source>A webhook channel needs an http(s) URL, e.g. webhook:https://support.example.com/hooks/notify.</source>
        <translation>Ein Webhook-Kanal braucht eine http(s)-URL, z. B. webhook:https://support.example.com/hooks/notify.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="148"/>
        <source>A CSV channel needs an absolute file path, e.g. csv:/tmp/affected.csv.</source>
        <translation>Ein CSV-Kanal braucht einen absoluten Dateipfad, z. B. csv:/tmp/affected.csv.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="162"/>
        <source>&quot;%1&quot; is not a channel. Use webhook:URL, csv:FILE or sql:URL.</source>
        <translation>„%1“ ist kein Kanal. Verwenden Sie webhook:URL, csv:DATEI oder sql:URL.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="216"/>
        <location filename="../core/recipients/channels.cpp" line="242"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="271"/>
        <source>The SQLite database %1 does not exist.</source>
        <translation>Die SQLite-Datenbank %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="274"/>
        <source>Cannot open the database: %1</source>
        <translation>Die Datenbank kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="280"/>
        <source>Cannot insert into %1: %2 (the table needs the columns %3, %4, %5 and a UNIQUE index on %6)</source>
        <translation>Einfügen in %1 nicht möglich: %2 (die Tabelle braucht die Spalten %3, %4, %5 und einen UNIQUE-Index auf %6)</translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="297"/>
        <source>Cannot insert into %1: %2 (the table needs a UNIQUE index on %3)</source>
        <translation>Einfügen in %1 nicht möglich: %2 (die Tabelle braucht einen UNIQUE-Index auf %3)</translation>
    </message>
</context>
<context>
    <name>qd::Check</name>
    <message>
        <location filename="../core/cli/check.cpp" line="100"/>
        <source>%1: age of the oldest job is unknown</source>
        <translation>%1: Alter des ältesten Jobs ist unbekannt</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="104"/>
        <source>%1: oldest job waited %2</source>
        <translation>%1: ältester Job wartete %2</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="111"/>
        <source>%1: depth is unknown</source>
        <translation>%1: Länge ist unbekannt</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="115"/>
        <source>%1: %2 jobs waiting</source>
        <translation>%1: %2 Jobs warten</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="144"/>
        <source>worker count is unknown</source>
        <translation>Anzahl der Worker ist unbekannt</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="148"/>
        <source>%1 live worker(s), %2 required</source>
        <translation>%1 aktive(r) Worker, %2 erforderlich</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="150"/>
        <source> (idle workers are invisible on this backend)</source>
        <translation> (untätige Worker sind bei diesem Backend nicht sichtbar)</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="153"/>
        <source>, %1 lost</source>
        <translation>, %1 verloren</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/cli/check.cpp" line="168"/>
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n Warteschlange</numerusform>
            <numerusform>%n Warteschlangen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="170"/>
        <source>, oldest job %1 (%2)</source>
        <translation>, ältester Job %1 (%2)</translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="173"/>
        <source>, %1 busy worker(s)</source>
        <translation>, %1 beschäftigte(r) Worker</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/cli/check.cpp" line="187"/>
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n weiterer)</numerusform>
            <numerusform> (+%n weitere)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::Collector</name>
    <message>
        <location filename="../core/pollwithin.cpp" line="15"/>
        <source>No complete answer within %1 s: the poll was abandoned (the server hangs or answers too slowly).</source>
        <translation>Keine vollständige Antwort innerhalb von %1 s: die Abfrage wurde aufgegeben (der Server hängt oder antwortet zu langsam).</translation>
    </message>
</context>
<context>
    <name>qd::ConnectionSettings</name>
    <message>
        <location filename="../core/settings/connectionsettings.cpp" line="143"/>
        <source>the saved alert rules are not a JSON list (%1)</source>
        <translation>die gespeicherten Alarmregeln sind keine JSON-Liste (%1)</translation>
    </message>
</context>
<context>
    <name>qd::ConnectionTreeModel</name>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="184"/>
        <source>error</source>
        <extracomment>shown instead of a depth when a connection&apos;s last poll failed</extracomment>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="187"/>
        <source>%1
Last poll failed: %2</source>
        <translation>%1
Letzte Abfrage fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="206"/>
        <source>%1: %2 waiting, oldest %3 — %4</source>
        <translation>%1: %2 wartend, ältester %3 — %4</translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="221"/>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="221"/>
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
</context>
<context>
    <name>qd::ConnectionUrl</name>
    <message>
        <location filename="../core/connectionurl.cpp" line="123"/>
        <source>Unknown option &quot;%1&quot; for %2 URLs (options are lower case). Valid options: %3.</source>
        <translation>Unbekannte Option „%1“ für %2-URLs (Optionen werden kleingeschrieben). Gültige Optionen: %3.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="127"/>
        <source>The option %1 is given twice.</source>
        <translation>Die Option %1 ist zweimal angegeben.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="131"/>
        <source>The option %1 must be 1, true, yes or on (or 0, false, no, off); got &quot;%2&quot;.</source>
        <translation>Die Option %1 muss 1, true, yes oder on sein (oder 0, false, no, off); angegeben war „%2“.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="137"/>
        <source>The option %1 must be a number; got &quot;%2&quot;.</source>
        <translation>Die Option %1 muss eine Zahl sein; angegeben war „%2“.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="245"/>
        <source>The connection URL is empty. Example: %1</source>
        <translation>Die Verbindungs-URL ist leer. Beispiel: %1</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="251"/>
        <source>&quot;%1&quot; is not a connection URL: it needs a scheme such as delayedjob+sqlite:// or sidekiq+redis://.</source>
        <translation>„%1“ ist keine Verbindungs-URL: Sie braucht ein Schema wie delayedjob+sqlite:// oder sidekiq+redis://.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="269"/>
        <source>Unknown scheme &quot;%1&quot;. Supported: %2.</source>
        <translation>Unbekanntes Schema „%1“. Unterstützt: %2.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="287"/>
        <source>The SQLite path must be absolute (three slashes): delayedjob+sqlite:///path/to/db.sqlite3, got &quot;%1&quot;.</source>
        <translation>Der SQLite-Pfad muss absolut sein (drei Schrägstriche): delayedjob+sqlite:///path/to/db.sqlite3, erhalten: „%1“.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="295"/>
        <source>The URL is malformed: %1. Example: %2</source>
        <translation>Die URL ist fehlerhaft: %1. Beispiel: %2</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="300"/>
        <source>The URL has no host name. Example: %1</source>
        <translation>Die URL enthält keinen Hostnamen. Beispiel: %1</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="304"/>
        <source>The port must be between 1 and 65535.</source>
        <translation>Der Port muss zwischen 1 und 65535 liegen.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="315"/>
        <source>The PostgreSQL URL names no database. Example: %1</source>
        <translation>Die PostgreSQL-URL nennt keine Datenbank. Beispiel: %1</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="322"/>
        <source>The Redis database must be a number after the host, like /0; got &quot;/%1&quot;.</source>
        <translation>Die Redis-Datenbank muss eine Zahl nach dem Host sein, etwa /0; erhalten: „/%1“.</translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="335"/>
        <source>The table name &quot;%1&quot; is not a plain SQL identifier (letters, digits, underscore, optional schema.).</source>
        <translation>Der Tabellenname „%1“ ist kein einfacher SQL-Bezeichner (Buchstaben, Ziffern, Unterstrich, optional schema.).</translation>
    </message>
</context>
<context>
    <name>qd::CredentialStore</name>
    <message>
        <location filename="../core/settings/credentialstore.cpp" line="40"/>
        <source>The keyring refused access: %1</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert: %1</translation>
    </message>
    <message>
        <location filename="../core/settings/credentialstore.cpp" line="43"/>
        <source>No keyring is available (%1). Queuedeck keeps passwords and webhook secrets only in the desktop keyring (GNOME Keyring, KWallet), never in its settings file: start one, or type the secret each time.</source>
        <translation>Kein Schlüsselbund verfügbar (%1). Queuedeck bewahrt Passwörter und Webhook-Geheimnisse nur im Schlüsselbund des Desktops auf (GNOME Keyring, KWallet), nie in seiner Einstellungsdatei: Starten Sie einen, oder geben Sie das Geheimnis jedes Mal ein.</translation>
    </message>
</context>
<context>
    <name>qd::DelayedJobBackend</name>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="130"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="136"/>
        <source>Counting jobs failed: %1</source>
        <translation>Zählen der Jobs fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="145"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="152"/>
        <source>Reading jobs failed: %1</source>
        <translation>Lesen der Jobs fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="199"/>
        <source>Bad page cursor &quot;%1&quot;</source>
        <translation>Ungültiger Seiten-Cursor „%1“</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="212"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="233"/>
        <source>Query for jobs failed: %1</source>
        <translation>Abfrage der Jobs fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="254"/>
        <source>Query for job %1 failed: %2</source>
        <translation>Abfrage von Job %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="258"/>
        <source>Job %1 is gone: delayed_job deletes a job when it succeeds.</source>
        <translation>Job %1 ist weg: delayed_job löscht einen Job, wenn er erfolgreich war.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="273"/>
        <source>Waiting jobs are already due; there is nothing to retry.</source>
        <translation>Wartende Jobs sind bereits fällig; es gibt nichts erneut auszuführen.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="277"/>
        <source>A running job cannot be moved: a worker holds it.</source>
        <translation>Ein laufender Job kann nicht verschoben werden: Ein Worker hält ihn.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="278"/>
        <source>Name the queue to move the jobs to.</source>
        <translation>Nennen Sie die Warteschlange, in die die Jobs verschoben werden sollen.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="315"/>
        <source>Cannot start a transaction: %1</source>
        <translation>Eine Transaktion kann nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="320"/>
        <source>Cannot prepare the action: %1</source>
        <translation>Die Aktion kann nicht vorbereitet werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="335"/>
        <source>The action failed: %1 — nothing was changed.</source>
        <translation>Die Aktion ist fehlgeschlagen: %1 — es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="350"/>
        <source>The action could not be committed: %1 — nothing was changed.</source>
        <translation>Die Aktion konnte nicht festgeschrieben werden: %1 — es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="23"/>
        <source>Query for %1 failed: %2</source>
        <translation>Abfrage für %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="35"/>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="111"/>
        <source>%1 is not a readable SQLite database: %2</source>
        <translation>%1 ist keine lesbare SQLite-Datenbank: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="117"/>
        <source>Table &quot;%1&quot; not found in %2. Is this the application&apos;s database, and is the table name right (URL option table=)?</source>
        <translation>Tabelle „%1“ in %2 nicht gefunden. Ist das die Datenbank der Anwendung, und stimmt der Tabellenname (URL-Option table=)?</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="134"/>
        <source>Table &quot;%1&quot; does not look like a Delayed::Job table: missing column(s) %2.</source>
        <translation>Tabelle „%1“ sieht nicht wie eine Delayed::Job-Tabelle aus: fehlende Spalte(n) %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="162"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="169"/>
        <source>queue counts</source>
        <translation>Warteschlangen-Zählungen</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="205"/>
        <source>workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="213"/>
        <source>(unknown worker)</source>
        <translation>(unbekannter Worker)</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="250"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="257"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="261"/>
        <source>arrivals</source>
        <translation>Eingänge</translation>
    </message>
</context>
<context>
    <name>qd::Directory</name>
    <message>
        <location filename="../core/recipients/directory.cpp" line="47"/>
        <source>The SQLite database %1 does not exist.</source>
        <translation>Die SQLite-Datenbank %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="58"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="64"/>
        <source>Cannot make the session read-only: %1</source>
        <translation>Die Sitzung kann nicht schreibgeschützt gemacht werden: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="83"/>
        <source>The directory URL: %1</source>
        <translation>Die URL des Verzeichnisses: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="88"/>
        <source>The lookup must be one SELECT statement, e.g. SELECT name, email FROM users WHERE id = :user</source>
        <translation>Die Abfrage muss eine einzelne SELECT-Anweisung sein, z. B. SELECT name, email FROM users WHERE id = :user</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="91"/>
        <source>The lookup needs the :user placeholder for the user id, e.g. … WHERE id = :user</source>
        <translation>Die Abfrage braucht den Platzhalter :user für die Benutzer-ID, z. B. … WHERE id = :user</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="116"/>
        <source>The lookup query failed: %1</source>
        <translation>Die Abfrage ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="122"/>
        <source>The lookup query failed for %1: %2</source>
        <translation>Die Abfrage für %1 ist fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>qd::Freshness</name>
    <message>
        <location filename="../models/freshness.cpp" line="28"/>
        <source>%1/min</source>
        <extracomment>jobs per minute</extracomment>
        <translation>%1/min</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="45"/>
        <source>≥ %1</source>
        <extracomment>a lower bound: the job has waited at least this long (Queuedeck watched it that long)</extracomment>
        <translation>≥ %1</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="56"/>
        <source>%1 s</source>
        <extracomment>duration in seconds</extracomment>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="60"/>
        <source>%1 m %2 s</source>
        <extracomment>duration in minutes and seconds</extracomment>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="64"/>
        <source>%1 h %2 m</source>
        <extracomment>duration in hours and minutes</extracomment>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="67"/>
        <source>%1 d %2 h</source>
        <extracomment>duration in days and hours</extracomment>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="78"/>
        <source>never updated</source>
        <translation>nie aktualisiert</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="81"/>
        <source>stale since %1</source>
        <translation>veraltet seit %1</translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="85"/>
        <source>updated %1 ago</source>
        <translation>vor %1 aktualisiert</translation>
    </message>
</context>
<context>
    <name>qd::Headline</name>
    <message>
        <location filename="../core/headline.cpp" line="38"/>
        <source>%1: unreachable — %2</source>
        <translation>%1: nicht erreichbar — %2</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="52"/>
        <source> and %1 more</source>
        <translation> und %1 weitere</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="53"/>
        <source>process %1 lost</source>
        <translation>Prozess %1 verloren</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="53"/>
        <source>worker %1 lost</source>
        <translation>Worker %1 verloren</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="67"/>
        <source>%1 messages wait</source>
        <translation>%1 Nachrichten warten</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="67"/>
        <source>%1 jobs wait</source>
        <translation>%1 Jobs warten</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="69"/>
        <source>%1 queue(s) without a consumer</source>
        <translation>%1 Warteschlange(n) ohne Consumer</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="72"/>
        <source>%1 stuck</source>
        <translation>%1 festhängend</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="76"/>
        <source>workers not visible</source>
        <translation>Worker nicht sichtbar</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="78"/>
        <source>nothing is processing</source>
        <translation>nichts wird verarbeitet</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="80"/>
        <source>%1 busy, %2 idle</source>
        <translation>%1 beschäftigt, %2 untätig</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="80"/>
        <source>%1 busy</source>
        <translation>%1 beschäftigt</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="85"/>
        <source>%1 processed</source>
        <translation>%1 verarbeitet</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="88"/>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="92"/>
        <source> · lifetime %1</source>
        <extracomment>the connection&apos;s lifetime counters, as the backend keeps them</extracomment>
        <translation> · insgesamt %1</translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="96"/>
        <source> · %1 dead</source>
        <extracomment>jobs given up on (Sidekiq&apos;s dead set) and letters in dead-letter queues, now</extracomment>
        <translation> · %1 tot</translation>
    </message>
</context>
<context>
    <name>qd::HistoryReader</name>
    <message>
        <location filename="../core/history/historyschema.cpp" line="357"/>
        <source>Cannot prepare the history statements for %1: %2</source>
        <translation>Die Verlaufsanweisungen für %1 können nicht vorbereitet werden: %2</translation>
    </message>
</context>
<context>
    <name>qd::HistoryStore</name>
    <message numerus="yes">
        <location filename="../core/history/historystore.cpp" line="91"/>
        <source>History: %n sample(s) could not be written and were dropped: %1</source>
        <translation>
            <numerusform>Verlauf: %n Messwert konnte nicht geschrieben werden und wurde verworfen: %1</numerusform>
            <numerusform>Verlauf: %n Messwerte konnten nicht geschrieben werden und wurden verworfen: %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="111"/>
        <source>History: old samples could not be deleted: %1</source>
        <translation>Verlauf: Alte Messwerte konnten nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="138"/>
        <source>Cannot create the history directory %1.</source>
        <translation>Das Verlaufsverzeichnis %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="141"/>
        <source>The history directory %1 is not writable.</source>
        <translation>Das Verlaufsverzeichnis %1 ist nicht beschreibbar.</translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="276"/>
        <source>History: the latest samples could not be written: %1</source>
        <translation>Verlauf: Die letzten Messwerte konnten nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="309"/>
        <source>History: the latest sample could not be written: %1</source>
        <translation>Verlauf: Der letzte Messwert konnte nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="35"/>
        <source>Cannot open the history database %1: %2</source>
        <translation>Die Verlaufsdatenbank %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="41"/>
        <source>%1 is not a usable history database: %2</source>
        <translation>%1 ist keine verwendbare Verlaufsdatenbank: %2</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="46"/>
        <source>%1 cannot use write-ahead logging (journal mode %2); is it on a network file system?</source>
        <translation>%1 kann kein Write-Ahead-Logging verwenden (Journal-Modus %2); liegt es auf einem Netzwerkdateisystem?</translation>
    </message>
</context>
<context>
    <name>qd::HistoryWriter</name>
    <message>
        <location filename="../core/history/historyschema.cpp" line="101"/>
        <source>Cannot create the history schema in %1: %2</source>
        <translation>Das Verlaufsschema in %1 kann nicht angelegt werden: %2</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="119"/>
        <source>Cannot prepare the history statements for %1: %2</source>
        <translation>Die Verlaufsanweisungen für %1 können nicht vorbereitet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="135"/>
        <source>written by a newer Queuedeck (schema version %1)</source>
        <translation>von einer neueren Queuedeck-Version geschrieben (Schemaversion %1)</translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="223"/>
        <source>cannot register a series: %1</source>
        <translation>eine Messreihe kann nicht registriert werden: %1</translation>
    </message>
</context>
<context>
    <name>qd::IncidentTimeline</name>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="50"/>
        <source>Cannot create the directory of %1.</source>
        <translation>Das Verzeichnis von %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="57"/>
        <source>Cannot open the timeline %1: %2</source>
        <translation>Die Zeitleiste %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="65"/>
        <source>%1 is not a usable timeline: %2</source>
        <translation>%1 ist keine verwendbare Zeitleiste: %2</translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="83"/>
        <source>%1 cleared (was %2)</source>
        <translation>%1 aufgehoben (war %2)</translation>
    </message>
</context>
<context>
    <name>qd::JobActionsBar</name>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="100"/>
        <source>Jobs that are %1 cannot be edited and resent here.</source>
        <translation>Jobs im Zustand %1 lassen sich hier nicht bearbeiten und erneut senden.</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="101"/>
        <location filename="../widgets/jobactionsbar.cpp" line="111"/>
        <source>Actions are disabled: the audit log cannot be written.</source>
        <translation>Aktionen sind deaktiviert: Das Prüfprotokoll kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="102"/>
        <source>Select one job to edit it.</source>
        <translation>Wählen Sie einen Job aus, um ihn zu bearbeiten.</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="103"/>
        <source>Edit the selected job&apos;s payload and send it again, as a new job or in place</source>
        <translation>Die Payload des ausgewählten Jobs bearbeiten und erneut senden, als neuen Job oder an seiner Stelle</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="110"/>
        <source>This connection does not allow this action (read-only or not supported).</source>
        <translation>Diese Verbindung erlaubt diese Aktion nicht (schreibgeschützt oder nicht unterstützt).</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="117"/>
        <source>Retry the selected jobs now, if they are still %1</source>
        <translation>Die ausgewählten Jobs jetzt erneut ausführen, sofern sie noch im Zustand %1 sind</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="118"/>
        <source>Delete the selected jobs, if they are still %1</source>
        <translation>Die ausgewählten Jobs löschen, sofern sie noch im Zustand %1 sind</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="119"/>
        <source>Act on every job matching the state and search, in batches, with progress</source>
        <translation>Alle Jobs bearbeiten, die zu Zustand und Suche passen, stapelweise und mit Fortschrittsanzeige</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="124"/>
        <source>&amp;Retry</source>
        <translation>&amp;Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="125"/>
        <source>&amp;Cancel Jobs</source>
        <translation>Jobs abbre&amp;chen</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="126"/>
        <source>Mo&amp;ve…</source>
        <translation>&amp;Verschieben…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="127"/>
        <source>Move the selected jobs to another queue, if they are still in the state shown</source>
        <translation>Die ausgewählten Jobs in eine andere Warteschlange verschieben, sofern sie noch im angezeigten Zustand sind</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="128"/>
        <source>&amp;Edit &amp;&amp; Resend…</source>
        <translation>&amp;Bearbeiten &amp;&amp; erneut senden…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="129"/>
        <source>All &amp;Matching</source>
        <translation>Alle &amp;passenden</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="130"/>
        <source>Retry All Matching…</source>
        <translation>Alle passenden erneut ausführen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="131"/>
        <source>Cancel All Matching…</source>
        <translation>Alle passenden abbrechen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="132"/>
        <source>Move All Matching…</source>
        <translation>Alle passenden verschieben…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="133"/>
        <source>Export All Matching…</source>
        <translation>Alle Treffer exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="134"/>
        <source>Tell &amp;Affected Users…</source>
        <translation>&amp;Betroffene Benutzer benachrichtigen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="135"/>
        <source>Who these jobs belong to, and one message to each of them</source>
        <translation>Wem diese Jobs gehören, und eine Nachricht an jeden davon</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="136"/>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="137"/>
        <source>Move All Messages…</source>
        <translation>Alle Nachrichten verschieben…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="138"/>
        <source>Purge Queue…</source>
        <translation>Warteschlange leeren…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="139"/>
        <source>Pause Queue…</source>
        <translation>Warteschlange pausieren…</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="140"/>
        <source>Resume Queue</source>
        <translation>Warteschlange fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="142"/>
        <source>Act on the whole queue: move every message (a dead-letter queue back where its messages died), or delete them all</source>
        <translation>Die ganze Warteschlange bearbeiten: jede Nachricht verschieben (eine Dead-Letter-Warteschlange dorthin zurück, wo ihre Nachrichten gescheitert sind) oder alle löschen</translation>
    </message>
</context>
<context>
    <name>qd::JobBrowser</name>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="524"/>
        <source>Stop Search</source>
        <translation>Suche anhalten</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="525"/>
        <source>Keep the jobs found so far and stop looking</source>
        <translation>Die bisher gefundenen Jobs behalten und nicht weitersuchen</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="526"/>
        <source>Resume…</source>
        <translation>Fortsetzen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="527"/>
        <source>Job classes</source>
        <translation>Job-Klassen</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="529"/>
        <source>Click to sort the jobs loaded so far; the backend lists the oldest first</source>
        <translation>Klicken, um die bisher geladenen Jobs zu sortieren; das Backend listet die ältesten zuerst</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="530"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="160"/>
        <source>Searching… %1 of %2 jobs looked at, %3 found</source>
        <translation>Suche… %1 von %2 Jobs durchgesehen, %3 gefunden</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="162"/>
        <source>Searching… %1 jobs looked at, %2 found</source>
        <translation>Suche… %1 Jobs durchgesehen, %2 gefunden</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="173"/>
        <source> — search stopped after %1 of %2 jobs</source>
        <translation> – Suche nach %1 von %2 Jobs angehalten</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="176"/>
        <source>%n job(s) shown</source>
        <translation>
            <numerusform>%n Job angezeigt</numerusform>
            <numerusform>%n Jobs angezeigt</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="177"/>
        <source> — scroll for more</source>
        <translation> — für weitere scrollen</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="181"/>
        <source>Cannot list jobs: %1</source>
        <translation>Jobs können nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="236"/>
        <source>Bulk %1 #%2 did not finish (%3): %4 of %5 job(s) left. %6</source>
        <translation>Massenaktion %1 #%2 wurde nicht beendet (%3): %4 von %5 Job(s) übrig. %6</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="67"/>
        <source>Move All Matching</source>
        <translation>Alle passenden verschieben</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="67"/>
        <source>Move every matching job to the queue:</source>
        <translation>Alle passenden Jobs in diese Warteschlange verschieben:</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="103"/>
        <source>Pause Queue</source>
        <translation>Warteschlange pausieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="104"/>
        <source>Pause %1? Its workers take no job from it until it is resumed; new jobs keep arriving and wait.</source>
        <translation>%1 pausieren? Die Worker nehmen keinen Job daraus, bis sie fortgesetzt wird; neue Jobs kommen weiter an und warten.</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="290"/>
        <source>Cannot filter: %1</source>
        <translation>Filtern nicht möglich: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="342"/>
        <source>%n more class(es)</source>
        <translation>
            <numerusform>%n weitere Klasse</numerusform>
            <numerusform>%n weitere Klassen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="344"/>
        <source>Waiting by class (a sample of %1 of %2 jobs): %3</source>
        <translation>Wartend nach Klasse (Stichprobe von %1 aus %2 Jobs): %3</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="346"/>
        <source>Waiting by class: %1</source>
        <translation>Wartend nach Klasse: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="357"/>
        <source>%n jobs selected</source>
        <translation>
            <numerusform>%n Job ausgewählt</numerusform>
            <numerusform>%n Jobs ausgewählt</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="396"/>
        <source>Counting jobs with the same error…</source>
        <translation>Zähle Jobs mit demselben Fehler…</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="432"/>
        <source>Similar jobs: unknown (%1)</source>
        <translation>Ähnliche Jobs: unbekannt (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="435"/>
        <source>Similar jobs (same class and error): at least %1</source>
        <translation>Ähnliche Jobs (gleiche Klasse und gleicher Fehler): mindestens %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="436"/>
        <source>Similar jobs (same class and error): %1</source>
        <translation>Ähnliche Jobs (gleiche Klasse und gleicher Fehler): %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="452"/>
        <source>Retry</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="452"/>
        <source>Cancel (delete)</source>
        <translation>Abbrechen (löschen)</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="455"/>
        <source>Move to Queue</source>
        <translation>In Warteschlange verschieben</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="455"/>
        <source>Move the selected jobs to the queue:</source>
        <translation>Die ausgewählten Jobs in diese Warteschlange verschieben:</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="462"/>
        <source>Move to %1:</source>
        <translation>Verschieben nach %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="465"/>
        <source>%1 %n %2 job(s) in %3? Jobs that are no longer %2 are skipped.</source>
        <translation>
            <numerusform>%1 – %n Job im Zustand %2 in %3? Jobs, die nicht mehr im Zustand %2 sind, werden übersprungen.</numerusform>
            <numerusform>%1 – %n Jobs im Zustand %2 in %3? Jobs, die nicht mehr im Zustand %2 sind, werden übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="503"/>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="505"/>
        <location filename="../widgets/jobbrowser.cpp" line="511"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>qd::JobDetailPane</name>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="44"/>
        <source>Job %1 · %2 · %3 · queue %4 · attempts %5
</source>
        <translation>Job %1 · %2 · %3 · Warteschlange %4 · Versuche %5
</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="50"/>
        <source>Enqueued %1 · run at %2 · failed at %3
</source>
        <translation>Eingereiht %1 · Ausführung %2 · fehlgeschlagen %3
</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="52"/>
        <source>Worker: %1
</source>
        <translation>Worker: %1
</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="54"/>
        <source>
Payload:
%1
</source>
        <translation>
Payload:
%1
</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="56"/>
        <source>
Last error:
%1
</source>
        <translation>
Letzter Fehler:
%1
</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="96"/>
        <source>Similar jobs</source>
        <translation>Ähnliche Jobs</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="97"/>
        <source>Retry All Similar…</source>
        <translation>Alle ähnlichen erneut ausführen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="98"/>
        <source>Every job in this queue and state with the same error, in batches</source>
        <translation>Jeder Job in dieser Warteschlange und diesem Zustand mit demselben Fehler, stapelweise</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="99"/>
        <source>Copy as &amp;JSON</source>
        <translation>Als JS&amp;ON kopieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="100"/>
        <source>The selected job as JSON: summary, payload and full error</source>
        <translation>Der ausgewählte Job als JSON: Übersicht, Payload und vollständiger Fehler</translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="101"/>
        <source>Job payload and error</source>
        <translation>Payload und Fehler des Jobs</translation>
    </message>
</context>
<context>
    <name>qd::JobExportDialog</name>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="33"/>
        <location filename="../widgets/jobexportdialog.cpp" line="72"/>
        <source>Export Jobs</source>
        <translation>Jobs exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="35"/>
        <source>Every %1 job in %2 that the browser&apos;s search and filters match.</source>
        <translation>Jeder Job im Zustand %1 in %2, auf den Suche und Filter der Job-Ansicht passen.</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="43"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="47"/>
        <source>&amp;File:</source>
        <translation>&amp;Datei:</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="49"/>
        <source>CSV (spreadsheets)</source>
        <translation>CSV (Tabellenkalkulation)</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="50"/>
        <source>JSON Lines (one job per line)</source>
        <translation>JSON Lines (ein Job pro Zeile)</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="51"/>
        <source>F&amp;ormat:</source>
        <translation>F&amp;ormat:</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="53"/>
        <source>optional: /args/0/user_id, arg:0 or re:…</source>
        <translation>optional: /args/0/user_id, arg:0 oder re:…</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="54"/>
        <source>Fills the user column with the user each job concerns.</source>
        <translation>Füllt die Spalte „user“ mit dem Benutzer, den der jeweilige Job betrifft.</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="55"/>
        <source>&amp;User rule:</source>
        <translation>&amp;Benutzerregel:</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="62"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="64"/>
        <source>&amp;Stop</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="73"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation>CSV (*.csv);;JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="120"/>
        <source>No connection.</source>
        <translation>Keine Verbindung.</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="123"/>
        <source>Choose a file to write.</source>
        <translation>Wählen Sie eine Datei zum Schreiben.</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="129"/>
        <source>User rule: %1</source>
        <translation>Benutzerregel: %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="135"/>
        <source>Filter: %1</source>
        <translation>Filter: %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="141"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="155"/>
        <source>Exporting…</source>
        <translation>Exportiere…</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="191"/>
        <source>Stopped by an error after %Ln job(s): %1</source>
        <translation>
            <numerusform>Nach %Ln Job durch einen Fehler abgebrochen: %1</numerusform>
            <numerusform>Nach %Ln Jobs durch einen Fehler abgebrochen: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="193"/>
        <source>%Ln job(s) written to %1.</source>
        <translation>
            <numerusform>%Ln Job nach %1 geschrieben.</numerusform>
            <numerusform>%Ln Jobs nach %1 geschrieben.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="195"/>
        <source>Stopped: %Ln job(s) written to %1; the rest were not exported.</source>
        <translation>
            <numerusform>Angehalten: %Ln Job nach %1 geschrieben; der Rest wurde nicht exportiert.</numerusform>
            <numerusform>Angehalten: %Ln Jobs nach %1 geschrieben; der Rest wurde nicht exportiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="183"/>
        <source>%Ln job(s) written, %1 looked at…</source>
        <translation>
            <numerusform>%Ln Job geschrieben, %1 geprüft…</numerusform>
            <numerusform>%Ln Jobs geschrieben, %1 geprüft…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::JobExportWriter</name>
    <message>
        <location filename="../core/export/jobexport.cpp" line="97"/>
        <source>Cannot write the export: %1</source>
        <translation>Der Export kann nicht geschrieben werden: %1</translation>
    </message>
</context>
<context>
    <name>qd::JobFilterBar</name>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="112"/>
        <source>Waiting longer than %1, or running longer than %2</source>
        <translation>Wartet länger als %1 oder läuft länger als %2</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="128"/>
        <source>State:</source>
        <translation>Zustand:</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="129"/>
        <source>Job state</source>
        <translation>Job-Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="133"/>
        <source>Search payload and error… (Enter)</source>
        <translation>Payload und Fehler durchsuchen… (Eingabe)</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="134"/>
        <source>Only:</source>
        <translation>Nur:</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="135"/>
        <source>Class (exact)</source>
        <translation>Klasse (exakt)</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="136"/>
        <source>Class filter</source>
        <translation>Klassenfilter</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="137"/>
        <source>Field: /args/0/user_id</source>
        <translation>Feld: /args/0/user_id</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="139"/>
        <source>A JSON pointer into the job (Delayed::Job YAML too), arg:N or re:…; with the value on the right</source>
        <translation>Ein JSON-Pointer in den Job (auch Delayed::Job-YAML), arg:N oder re:…; mit dem Wert rechts daneben</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="140"/>
        <source>Field filter</source>
        <translation>Feldfilter</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="141"/>
        <source>= value</source>
        <translation>= Wert</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="142"/>
        <source>Field value</source>
        <translation>Feldwert</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="143"/>
        <source>Oldest first</source>
        <translation>Älteste zuerst</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="144"/>
        <source>Most attempts first</source>
        <translation>Meiste Versuche zuerst</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="145"/>
        <source>Order</source>
        <translation>Reihenfolge</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="146"/>
        <source>Sorted by the server, across every job (not only those loaded): the poison jobs of a million-row dead set on the first page</source>
        <translation>Vom Server über alle Jobs sortiert (nicht nur die geladenen): die Giftjobs eines Dead-Sets mit einer Million Zeilen auf der ersten Seite</translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="148"/>
        <source>&amp;Stuck</source>
        <translation>&amp;Hängend</translation>
    </message>
</context>
<context>
    <name>qd::JobState</name>
    <message>
        <location filename="../core/jobs.cpp" line="27"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="28"/>
        <source>running</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="29"/>
        <source>scheduled</source>
        <translation>geplant</translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="30"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="31"/>
        <source>dead</source>
        <translation>tot</translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="32"/>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
</context>
<context>
    <name>qd::JobTableModel</name>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="136"/>
        <source>This backend lists no payloads, so no job can match a field filter.</source>
        <translation>Dieses Backend listet keine Payloads, daher kann kein Job zu einem Feldfilter passen.</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="247"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="248"/>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="249"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="250"/>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="251"/>
        <source>Run at</source>
        <translation>Ausführung um</translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="252"/>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
</context>
<context>
    <name>qd::Language</name>
    <message>
        <location filename="../app/gui/language.cpp" line="81"/>
        <source>There is no &quot;%1&quot; translation of Queuedeck.</source>
        <translation>Es gibt keine Übersetzung von Queuedeck für „%1“.</translation>
    </message>
</context>
<context>
    <name>qd::MainWindow</name>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="77"/>
        <location filename="../app/gui/mainwindow.cpp" line="172"/>
        <location filename="../app/gui/mainwindow.cpp" line="699"/>
        <location filename="../app/gui/mainwindow.cpp" line="702"/>
        <source>Queuedeck</source>
        <translation>Queuedeck</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="88"/>
        <location filename="../app/gui/mainwindow.cpp" line="700"/>
        <source>Connections and queues</source>
        <translation>Verbindungen und Warteschlangen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="137"/>
        <source>Snooze over: %1</source>
        <translation>Schlummern beendet: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="158"/>
        <source>Audit log unavailable: %1 — actions are disabled.</source>
        <translation>Prüfprotokoll nicht verfügbar: %1 — Aktionen sind deaktiviert.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="133"/>
        <source>Operator %1: %2</source>
        <translation>Bediener %1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="183"/>
        <location filename="../app/gui/mainwindow.cpp" line="251"/>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="230"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="231"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="232"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="234"/>
        <location filename="../app/gui/mainwindow.cpp" line="239"/>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="247"/>
        <source>&amp;Add Connection…</source>
        <translation>Verbindung &amp;hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="248"/>
        <source>&amp;Remove Connection</source>
        <translation>Verbindung &amp;entfernen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="248"/>
        <source>Ctrl+Shift+Del</source>
        <translation>Ctrl+Shift+Del</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="249"/>
        <source>Open the &amp;Demo</source>
        <translation>&amp;Demo öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="249"/>
        <source>Ctrl+Shift+D</source>
        <translation>Ctrl+Shift+D</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="254"/>
        <source>Alert &amp;Rules and Webhook…</source>
        <translation>Alarm&amp;regeln und Webhook…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="254"/>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="255"/>
        <source>Export &amp;Post-mortem…</source>
        <translation>&amp;Post-mortem exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="255"/>
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="258"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="258"/>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="261"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="261"/>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="263"/>
        <source>&amp;Refresh Now</source>
        <translation>Jetzt a&amp;ktualisieren</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="264"/>
        <source>&amp;Acknowledge Alert</source>
        <translation>Alarm &amp;bestätigen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="264"/>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="265"/>
        <source>&amp;Snooze Alert for 1 Hour</source>
        <translation>Alarm 1 Stunde &amp;schlummern lassen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="265"/>
        <source>Ctrl+Shift+K</source>
        <translation>Ctrl+Shift+K</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="267"/>
        <source>Add &amp;Note to Timeline…</source>
        <translation>&amp;Notiz zur Zeitleiste hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="267"/>
        <source>Ctrl+Shift+N</source>
        <translation>Ctrl+Shift+N</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="269"/>
        <source>Au&amp;dit Log…</source>
        <translation>&amp;Prüfprotokoll…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="269"/>
        <source>Ctrl+Shift+L</source>
        <translation>Ctrl+Shift+L</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="270"/>
        <source>&amp;Workers…</source>
        <translation>&amp;Worker…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="270"/>
        <source>Ctrl+Shift+W</source>
        <translation>Ctrl+Shift+W</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="272"/>
        <source>&amp;Overview</source>
        <translation>&amp;Übersicht</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="272"/>
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="274"/>
        <source>Go to &amp;Connections</source>
        <translation>Zu den &amp;Verbindungen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="274"/>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="275"/>
        <source>Go to A&amp;lerts</source>
        <translation>Zu den A&amp;larmen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="275"/>
        <source>Ctrl+9</source>
        <translation>Ctrl+9</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="283"/>
        <source>&amp;War Room Wall</source>
        <translation>&amp;Lagewand</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="286"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="287"/>
        <source>&amp;About Queuedeck</source>
        <translation>&amp;Über Queuedeck</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="288"/>
        <source>About Queuedeck</source>
        <translation>Über Queuedeck</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="289"/>
        <source>Queuedeck %1
Operations dashboard for job and message queues.</source>
        <translation>Queuedeck %1
Betriebs-Dashboard für Job- und Nachrichtenwarteschlangen.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="306"/>
        <source>Queue charts</source>
        <translation>Diagramme einer Warteschlange</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="307"/>
        <source>Last 5 minutes</source>
        <translation>Letzte 5 Minuten</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="307"/>
        <source>Alt+1</source>
        <translation>Alt+1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Alt+2</source>
        <translation>Alt+2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="309"/>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="309"/>
        <source>Alt+3</source>
        <translation>Alt+3</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="310"/>
        <source>War room wall</source>
        <translation>Lagewand</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="311"/>
        <source>Leave the wall</source>
        <translation>Lagewand verlassen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="311"/>
        <source>Esc, F11</source>
        <translation>Esc, F11</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="312"/>
        <source>Previous / next connection</source>
        <translation>Vorige / nächste Verbindung</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="312"/>
        <source>Left, Right</source>
        <translation>Links, Rechts</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="313"/>
        <source>Cycle connections on a timer</source>
        <translation>Verbindungen automatisch durchwechseln</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>Next / previous tile</source>
        <translation>Nächste / vorige Kachel</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>Tab, Down / Shift+Tab, Up</source>
        <translation>Tab, Runter / Shift+Tab, Hoch</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="315"/>
        <source>Open the queue</source>
        <translation>Warteschlange öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="315"/>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="316"/>
        <source>Pin or unpin the queue</source>
        <translation>Warteschlange anheften oder lösen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="365"/>
        <source>Language not changed: %1</source>
        <translation>Sprache nicht geändert: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="385"/>
        <source>Add a connection first: there are no workers to show.</source>
        <translation>Fügen Sie zuerst eine Verbindung hinzu: Es gibt keine Worker anzuzeigen.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="465"/>
        <source>%1: the password was not saved and will be asked for again after a restart: %2</source>
        <translation>%1: Das Passwort wurde nicht gespeichert und wird nach einem Neustart erneut abgefragt: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="489"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="506"/>
        <source>%1: no password from the keyring: %2</source>
        <translation>%1: kein Passwort aus dem Schlüsselbund: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>Alert Rules</source>
        <translation>Alarmregeln</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>Add a connection first: rules belong to a connection.</source>
        <translation>Fügen Sie zuerst eine Verbindung hinzu: Regeln gehören zu einer Verbindung.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="541"/>
        <source>Demo: %1</source>
        <translation>Demo: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="542"/>
        <source>Demo script: %1</source>
        <translation>Demo-Skript: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="564"/>
        <source>Demo (Delayed::Job)</source>
        <translation>Demo (Delayed::Job)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="576"/>
        <source>Add Connection</source>
        <translation>Verbindung hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="588"/>
        <source>Remove Connection</source>
        <translation>Verbindung entfernen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="588"/>
        <source>Stop monitoring &quot;%1&quot;?</source>
        <translation>„%1“ nicht mehr überwachen?</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="618"/>
        <source>%1 cleared</source>
        <translation>%1 aufgehoben</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="639"/>
        <location filename="../app/gui/mainwindow.cpp" line="705"/>
        <source>Queuedeck — War Room</source>
        <translation>Queuedeck — Lagewand</translation>
    </message>
</context>
<context>
    <name>qd::MessageTemplate</name>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="42"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="46"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="50"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="50"/>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="53"/>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="53"/>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="115"/>
        <source>The subject of template &quot;%1&quot; must be one line.</source>
        <translation>Der Betreff der Vorlage „%1“ muss eine einzige Zeile sein.</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="118"/>
        <source>Template &quot;%1&quot; has no subject.</source>
        <translation>Die Vorlage „%1“ hat keinen Betreff.</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="133"/>
        <source>Template &quot;%1&quot; uses unknown placeholder(s) %2. Known: %3.</source>
        <translation>Die Vorlage „%1“ verwendet unbekannte Platzhalter %2. Bekannt: %3.</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="152"/>
        <source>Template &quot;%1&quot; must start with a &quot;Subject: …&quot; line, then a blank line, then the body.</source>
        <translation>Die Vorlage „%1“ muss mit einer Zeile „Subject: …“ beginnen, dann eine Leerzeile, dann der Text.</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="161"/>
        <source>In template &quot;%1&quot; the subject line must be followed by a blank line.</source>
        <translation>In der Vorlage „%1“ muss auf die Betreffzeile eine Leerzeile folgen.</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="172"/>
        <source>Cannot read the template %1: %2</source>
        <translation>Die Vorlage %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="176"/>
        <source>The template %1 is larger than %2 KiB.</source>
        <translation>Die Vorlage %1 ist größer als %2 KiB.</translation>
    </message>
</context>
<context>
    <name>qd::MetricsServer</name>
    <message>
        <location filename="../core/team/metricsserver.cpp" line="44"/>
        <source>Cannot listen on %1:%2 for /metrics: %3</source>
        <translation>Kann für /metrics nicht auf %1:%2 lauschen: %3</translation>
    </message>
</context>
<context>
    <name>qd::NotifyDialog</name>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="60"/>
        <source>Tell Affected Users</source>
        <translation>Betroffene Benutzer benachrichtigen</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="63"/>
        <source>Jobs: %1 in %2%3</source>
        <translation>Jobs: %1 in %2%3</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="66"/>
        <source> matching &quot;%1&quot;</source>
        <translation> passend zu „%1“</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="92"/>
        <source>/args/0/user_id, arg:0 or re:user=(\d+)</source>
        <translation>/args/0/user_id, arg:0 oder re:user=(\d+)</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="93"/>
        <source>How a job names its user: a JSON pointer into the job (Delayed::Job YAML is read safely), an argument index, or a regular expression over the payload</source>
        <translation>Wie ein Job seinen Benutzer nennt: ein JSON-Pointer in den Job (Delayed::Job-YAML wird sicher gelesen), ein Argumentindex oder ein regulärer Ausdruck über die Payload</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="95"/>
        <source>User rule</source>
        <translation>Benutzerregel</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="98"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="99"/>
        <source>Only jobs that have waited at least this long</source>
        <translation>Nur Jobs, die mindestens so lange gewartet haben</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="100"/>
        <source>Waited at least</source>
        <translation>Mindestens gewartet</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="101"/>
        <source>&amp;Find Users</source>
        <translation>Benutzer &amp;finden</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="102"/>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="104"/>
        <source>waited ≥</source>
        <translation>gewartet ≥</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="109"/>
        <source>Due between</source>
        <translation>Fällig zwischen</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="110"/>
        <source>Only jobs due (else enqueued, else failed) in this window, e.g. while the workers were down</source>
        <translation>Nur Jobs, die in diesem Zeitraum fällig waren (sonst eingereiht, sonst fehlgeschlagen), z. B. während die Worker ausgefallen waren</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="119"/>
        <source>Window start</source>
        <translation>Beginn des Zeitraums</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="120"/>
        <source>Window end</source>
        <translation>Ende des Zeitraums</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="125"/>
        <source>and</source>
        <translation>und</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="139"/>
        <source>Affected users</source>
        <translation>Betroffene Benutzer</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="154"/>
        <source>e.g. INC-2026-11-25-print</source>
        <translation>z. B. INC-2026-11-25-print</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="156"/>
        <source>Each user gets each template once per incident</source>
        <translation>Jeder Benutzer erhält jede Vorlage einmal pro Vorfall</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="158"/>
        <source>webhook:https://…, sql:postgresql://…?table=notifications, csv:/path/file.csv</source>
        <translation>webhook:https://…, sql:postgresql://…?table=notifications, csv:/pfad/datei.csv</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="160"/>
        <source>Your print job is delayed</source>
        <translation>Ihr Druckauftrag verzögert sich</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="161"/>
        <source>Incident:</source>
        <translation>Vorfall:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="162"/>
        <source>Template:</source>
        <translation>Vorlage:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="163"/>
        <source>Channel:</source>
        <translation>Kanal:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="165"/>
        <source>optional: sqlite:///path/app.db or postgresql://user@host/db (read-only)</source>
        <translation>optional: sqlite:///pfad/app.db oder postgresql://user@host/db (schreibgeschützt)</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="166"/>
        <source>Where {{name}} and {{email}} come from: the application&apos;s own database, opened read-only</source>
        <translation>Woher {{name}} und {{email}} kommen: aus der eigenen Datenbank der Anwendung, schreibgeschützt geöffnet</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="168"/>
        <source>Names from:</source>
        <translation>Namen aus:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="169"/>
        <source>Lookup:</source>
        <translation>Abfrage:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="170"/>
        <source>Subject:</source>
        <translation>Betreff:</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="173"/>
        <source>Hello {{user}},

{{job_count}} of your jobs in {{queue}} have waited up to {{delay}} because of an incident on our side ({{incident}}). They will run shortly; you need not do anything.
</source>
        <translation>Hallo {{user}},

{{job_count}} Ihrer Jobs in {{queue}} haben wegen eines Vorfalls auf unserer Seite ({{incident}}) bis zu {{delay}} gewartet. Sie werden in Kürze ausgeführt; Sie müssen nichts tun.
</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="175"/>
        <source>Message body</source>
        <translation>Nachrichtentext</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="185"/>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="196"/>
        <source>Sending progress</source>
        <translation>Sendefortschritt</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="203"/>
        <source>Load Template…</source>
        <translation>Vorlage laden…</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="204"/>
        <source>Save Template…</source>
        <translation>Vorlage speichern…</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="205"/>
        <source>&amp;Dry Run</source>
        <translation>&amp;Probelauf</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="206"/>
        <location filename="../widgets/notifydialog.cpp" line="455"/>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="207"/>
        <source>Stop Sending</source>
        <translation>Senden anhalten</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="225"/>
        <location filename="../widgets/notifydialog.cpp" line="231"/>
        <source>Load Template</source>
        <translation>Vorlage laden</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="225"/>
        <source>Templates (*.txt);;All files (*)</source>
        <translation>Vorlagen (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="238"/>
        <location filename="../widgets/notifydialog.cpp" line="242"/>
        <source>Save Template</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="239"/>
        <source>Templates (*.txt)</source>
        <translation>Vorlagen (*.txt)</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="249"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="250"/>
        <source>Send &quot;%1&quot; to %n user(s) through %2? Users who already got this template for incident %3 are skipped.</source>
        <translation>
            <numerusform>„%1“ über %2 an %n Benutzer senden? Benutzer, die diese Vorlage für den Vorfall %3 bereits erhalten haben, werden übersprungen.</numerusform>
            <numerusform>„%1“ über %2 an %n Benutzer senden? Benutzer, die diese Vorlage für den Vorfall %3 bereits erhalten haben, werden übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="295"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="329"/>
        <source>Names: %1</source>
        <translation>Namen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="334"/>
        <source>Names and e-mails found for %1 of %2 user(s) in %3</source>
        <translation>Namen und E-Mail-Adressen für %1 von %2 Benutzer(n) in %3 gefunden</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="376"/>
        <source>Reading jobs… %1 so far</source>
        <translation>Lese Jobs… bisher %1</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="378"/>
        <source>Cannot list the jobs: %1</source>
        <translation>Die Jobs können nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="382"/>
        <source>%1 user(s) behind %2 job(s)</source>
        <translation>%1 Benutzer hinter %2 Job(s)</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="385"/>
        <source>; the rule found no user in %1 job(s), e.g. %2</source>
        <translation>; die Regel fand in %1 Job(s) keinen Benutzer, z. B. %2</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="401"/>
        <source>Reading jobs…</source>
        <translation>Lese Jobs…</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="408"/>
        <source>Name the incident: each user gets one message per incident and template.</source>
        <translation>Benennen Sie den Vorfall: Jeder Benutzer erhält eine Nachricht pro Vorfall und Vorlage.</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="411"/>
        <source>Name the template.</source>
        <translation>Benennen Sie die Vorlage.</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="434"/>
        <source>Placeholders: %1</source>
        <translation>Platzhalter: %1</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="440"/>
        <source>Subject %1 characters · body %2 characters (for %3) · placeholders: %4</source>
        <translation>Betreff %1 Zeichen · Text %2 Zeichen (für %3) · Platzhalter: %4</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="445"/>
        <source>To: %1
Subject: %2

%3</source>
        <translation>An: %1
Betreff: %2

%3</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="452"/>
        <source>Find the users first.</source>
        <translation>Finden Sie zuerst die Benutzer.</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="455"/>
        <source>&amp;Send to %Ln User(s)</source>
        <translation>
            <numerusform>An %Ln Benutzer &amp;senden</numerusform>
            <numerusform>An %Ln Benutzer &amp;senden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="456"/>
        <source>Sending needs the outbox and the audit log.</source>
        <translation>Zum Senden werden der Postausgang und das Prüfprotokoll benötigt.</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="480"/>
        <source>… and %1 more</source>
        <translation>… und %1 weitere</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="482"/>
        <source>Dry run: %Ln message(s) through %1, nothing sent:
</source>
        <translation>
            <numerusform>Probelauf: %Ln Nachricht über %1, nichts gesendet:
</numerusform>
            <numerusform>Probelauf: %Ln Nachrichten über %1, nichts gesendet:
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="486"/>
        <source>Dry run: %Ln user(s) would get a message; nothing was sent or written.</source>
        <translation>
            <numerusform>Probelauf: %Ln Benutzer würde eine Nachricht erhalten; nichts wurde gesendet oder geschrieben.</numerusform>
            <numerusform>Probelauf: %Ln Benutzer würden eine Nachricht erhalten; nichts wurde gesendet oder geschrieben.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="493"/>
        <source>Nothing to send.</source>
        <translation>Nichts zu senden.</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="506"/>
        <source>Writing %Ln message(s) to the outbox…</source>
        <translation>
            <numerusform>Schreibe %Ln Nachricht in den Postausgang…</numerusform>
            <numerusform>Schreibe %Ln Nachrichten in den Postausgang…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="511"/>
        <source>The outbox refused the messages: %1 — nothing was sent.</source>
        <translation>Der Postausgang hat die Nachrichten abgelehnt: %1 — es wurde nichts gesendet.</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="520"/>
        <source>Sending… %1 of %2</source>
        <translation>Sende… %1 von %2</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="526"/>
        <source>%1 new message(s) in the outbox, %2 already there for this incident and template.</source>
        <translation>%1 neue Nachricht(en) im Postausgang, %2 für diesen Vorfall und diese Vorlage bereits vorhanden.</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="541"/>
        <source>Stopping after the message in flight…</source>
        <translation>Halte nach der laufenden Nachricht an…</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="549"/>
        <source>Sent %1 · already sent before %2 · failed %3</source>
        <translation>Gesendet %1 · bereits zuvor gesendet %2 · fehlgeschlagen %3</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="551"/>
        <source> · stopped: the rest stays in the outbox; Send again resumes it</source>
        <translation> · angehalten: Der Rest bleibt im Postausgang; erneutes Senden setzt fort</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="554"/>
        <source> · the outbox failed: %1</source>
        <translation> · Fehler im Postausgang: %1</translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="581"/>
        <source>notified affected users of %1 (incident %2): %3</source>
        <translation>betroffene Benutzer von %1 benachrichtigt (Vorfall %2): %3</translation>
    </message>
</context>
<context>
    <name>qd::OperatorActions</name>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="100"/>
        <source>Purge failed: %1</source>
        <translation>Leeren fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="101"/>
        <source>Purging %1 would delete %2 message(s).</source>
        <translation>Das Leeren von %1 würde %2 Nachricht(en) löschen.</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="102"/>
        <source>Purged %1: %2 message(s) deleted.</source>
        <translation>%1 geleert: %2 Nachricht(en) gelöscht.</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="127"/>
        <source>Move failed: %1</source>
        <translation>Verschieben fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="129"/>
        <source>Would move %1 message(s) from %2 to %3.</source>
        <translation>Würde %1 Nachricht(en) von %2 nach %3 verschieben.</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="131"/>
        <source>Moved %1 message(s) from %2 to %3.</source>
        <translation>%1 Nachricht(en) von %2 nach %3 verschoben.</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="134"/>
        <source>%1 still counted in %2 (new arrivals, or statistics that trail by a few seconds).</source>
        <translation>%1 noch in %2 gezählt (neu eingegangen, oder die Statistik hinkt einige Sekunden hinterher).</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="166"/>
        <source>%1 not changed: %2</source>
        <translation>%1 nicht geändert: %2</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="167"/>
        <source>Paused %1</source>
        <translation>%1 pausiert</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="167"/>
        <source>Resumed %1</source>
        <translation>%1 fortgesetzt</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="168"/>
        <source>%1 was already paused</source>
        <translation>%1 war bereits pausiert</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="169"/>
        <source>%1 was not paused</source>
        <translation>%1 war nicht pausiert</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="195"/>
        <source>%1 was not signalled: %2</source>
        <translation>%1 wurde nicht benachrichtigt: %2</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="196"/>
        <source>Told %1 to take no new jobs</source>
        <translation>%1 angewiesen, keine neuen Jobs anzunehmen</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="197"/>
        <source>Told %1 to shut down</source>
        <translation>%1 angewiesen, herunterzufahren</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="220"/>
        <source>%1 was not resent: %2</source>
        <translation>%1 wurde nicht erneut gesendet: %2</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="221"/>
        <source>Would resend %1 as %2</source>
        <translation>Würde %1 als %2 erneut senden</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="222"/>
        <source>Replaced %1 with the edit and queued it</source>
        <translation>%1 durch die Bearbeitung ersetzt und eingereiht</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="223"/>
        <source>Resent %1 as %2</source>
        <translation>%1 als %2 erneut gesendet</translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="263"/>
        <source>notified the affected users of %1 (incident %2): %3 sent, %4 told before, %5 failed</source>
        <translation>betroffene Benutzer von %1 benachrichtigt (Vorfall %2): %3 gesendet, %4 schon zuvor benachrichtigt, %5 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>qd::Outbox</name>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="69"/>
        <source>The outbox is not open.</source>
        <translation>Der Postausgang ist nicht geöffnet.</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="238"/>
        <source>Cannot create the directory of the outbox %1.</source>
        <translation>Das Verzeichnis des Postausgangs %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="246"/>
        <source>Cannot open the outbox %1: %2</source>
        <translation>Der Postausgang %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="265"/>
        <location filename="../core/recipients/outbox.cpp" line="275"/>
        <location filename="../core/recipients/outbox.cpp" line="280"/>
        <source>%1 is not a usable outbox: %2</source>
        <translation>%1 ist kein verwendbarer Postausgang: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="300"/>
        <location filename="../core/recipients/outbox.cpp" line="318"/>
        <location filename="../core/recipients/outbox.cpp" line="331"/>
        <source>Cannot write to the outbox: %1</source>
        <translation>In den Postausgang kann nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="452"/>
        <source>Cannot mark %1 sent: %2</source>
        <translation>%1 kann nicht als gesendet markiert werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="470"/>
        <source>Cannot mark %1 failed: %2</source>
        <translation>%1 kann nicht als fehlgeschlagen markiert werden: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="486"/>
        <source>Cannot mark %1 skipped: %2</source>
        <translation>%1 kann nicht als übersprungen markiert werden: %2</translation>
    </message>
</context>
<context>
    <name>qd::OverviewPage</name>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="67"/>
        <source>Overview of all queues</source>
        <translation>Übersicht über alle Warteschlangen</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="68"/>
        <source>All queues</source>
        <translation>Alle Warteschlangen</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="151"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="154"/>
        <source> · today %1 processed, %2 failed</source>
        <extracomment>Sidekiq&apos;s per-day counters, since midnight UTC</extracomment>
        <translation> · heute %1 verarbeitet, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="158"/>
        <source>  ✖ no live worker: nothing is being processed</source>
        <translation>  ✖ kein aktiver Worker: Es wird nichts verarbeitet</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="226"/>
        <source> — tiles for the %1 worst; every queue is in the table</source>
        <extracomment>after the overview&apos;s summary when there are more queues than tiles</extracomment>
        <translation> — Kacheln für die %1 schlimmsten; jede Warteschlange steht in der Tabelle</translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="21"/>
        <source>in %1 · out %2 /min</source>
        <extracomment>jobs per minute arriving and leaving a queue</extracomment>
        <translation>ein %1 · aus %2 /min</translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="70"/>
        <source>dead letters from %1</source>
        <extracomment>under a tile&apos;s big number for a dead-letter queue: the queues its messages were rejected from</extracomment>
        <translation>Dead Letters aus %1</translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="74"/>
        <source>waiting · paused</source>
        <extracomment>under a tile&apos;s big number (how many jobs wait), and when the backend holds the queue paused</extracomment>
        <translation>wartend · pausiert</translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="75"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="79"/>
        <source>consumers %1</source>
        <extracomment>on a queue tile: how many consumers (workers) serve the queue now</extracomment>
        <translation>Consumer %1</translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="218"/>
        <source>No queues yet.</source>
        <translation>Noch keine Warteschlangen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/overviewpage.cpp" line="219"/>
        <source>%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>%n Warteschlange: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
            <numerusform>%n Warteschlangen: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::PageWalker</name>
    <message numerus="yes">
        <location filename="../core/jobs/pagewalker.cpp" line="30"/>
        <source>The listing did not advance past %1; stopped after %n job(s).</source>
        <translation>
            <numerusform>Die Liste kam nicht über %1 hinaus; nach %n Job angehalten.</numerusform>
            <numerusform>Die Liste kam nicht über %1 hinaus; nach %n Jobs angehalten.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/jobs/pagewalker.cpp" line="97"/>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
</context>
<context>
    <name>qd::PostMortem</name>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="48"/>
        <source># Post-mortem: %1

</source>
        <translation># Post-mortem: %1

</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="49"/>
        <source>Window: %1 to %2 UTC. Generated by Queuedeck from its history and incident timeline; numbers marked ≈ are lower bounds.

</source>
        <translation>Zeitraum: %1 bis %2 UTC. Von Queuedeck aus seinem Verlauf und der Vorfall-Zeitleiste erstellt; mit ≈ markierte Zahlen sind Untergrenzen.

</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="52"/>
        <source>## Summary

_What happened and who was affected, in two sentences._

</source>
        <translation>## Zusammenfassung

_Was ist passiert und wer war betroffen, in zwei Sätzen._

</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="53"/>
        <source>## Impact

</source>
        <translation>## Auswirkungen

</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="54"/>
        <source>| queue | peak waiting | at (UTC) | longest wait | jobs arrived in the window |
</source>
        <translation>| Warteschlange | höchste Anzahl wartend | um (UTC) | längste Wartezeit | im Zeitraum eingegangene Jobs |
</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="62"/>
        <source>
## Timeline (UTC)

| time | what |
|---|---|
</source>
        <translation>
## Zeitleiste (UTC)

| Zeit | Was |
|---|---|
</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="64"/>
        <source>| — | nothing recorded in this window |
</source>
        <translation>| — | in diesem Zeitraum nichts aufgezeichnet |
</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="72"/>
        <source>Note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="73"/>
        <source>Event: %1</source>
        <translation>Ereignis: %1</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="77"/>
        <source>
## Actions taken

</source>
        <translation>
## Durchgeführte Aktionen

</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="90"/>
        <source>- %1 — %2: %3 %4 — %5 done, %6 skipped (%7)%8
</source>
        <translation>- %1 — %2: %3 %4 — %5 erledigt, %6 übersprungen (%7)%8
</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="95"/>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="99"/>
        <source>_None recorded. Operator actions and notes land here._
</source>
        <translation>_Nichts aufgezeichnet. Aktionen und Notizen der Bediener erscheinen hier._
</translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="101"/>
        <source>
## Root cause

_Why did it happen?_

## Five whys

1. 
2. 
3. 
4. 
5. 

## Action items

- [ ] 
</source>
        <translation>
## Ursache

_Warum ist es passiert?_

## Fünf Warum

1. 
2. 
3. 
4. 
5. 

## Maßnahmen

- [ ] 
</translation>
    </message>
</context>
<context>
    <name>qd::QueueActionDialog</name>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="31"/>
        <source>Move All Messages — %1</source>
        <translation>Alle Nachrichten verschieben — %1</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="31"/>
        <source>Purge Queue — %1</source>
        <translation>Warteschlange leeren — %1</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="46"/>
        <source>Where they were dead-lettered from</source>
        <translation>Woher sie als Dead Letter kamen</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="52"/>
        <source>Destination queue</source>
        <translation>Zielwarteschlange</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="56"/>
        <source>&amp;To:</source>
        <translation>&amp;Nach:</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="58"/>
        <source>RabbitMQ moves them itself (a shovel that deletes itself when done); Queuedeck never holds the messages, so closing it or losing the network loses nothing.</source>
        <translation>RabbitMQ verschiebt sie selbst (mit einer Shovel, die sich danach selbst löscht); Queuedeck hält die Nachrichten nie, daher geht nichts verloren, wenn Sie es schließen oder das Netzwerk ausfällt.</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="67"/>
        <source>Type the queue&apos;s name to confirm</source>
        <translation>Geben Sie zur Bestätigung den Namen der Warteschlange ein</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="68"/>
        <source>Queue name, typed to confirm the purge</source>
        <translation>Name der Warteschlange, zur Bestätigung des Leerens eingegeben</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="69"/>
        <source>&amp;Confirm:</source>
        <translation>&amp;Bestätigung:</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="76"/>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="84"/>
        <source>&amp;Move</source>
        <translation>&amp;Verschieben</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="84"/>
        <source>&amp;Purge</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="89"/>
        <source>Counting the messages in %1…</source>
        <translation>Zähle die Nachrichten in %1…</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="160"/>
        <source>Could not count the messages in %1.</source>
        <translation>Die Nachrichten in %1 konnten nicht gezählt werden.</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/queueactiondialog.cpp" line="169"/>
        <source>%n message(s) in %1 will move to %2.</source>
        <translation>
            <numerusform>%n Nachricht in %1 wird nach %2 verschoben.</numerusform>
            <numerusform>%n Nachrichten in %1 werden nach %2 verschoben.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/queueactiondialog.cpp" line="170"/>
        <source>%n message(s) in %1 will be deleted. This cannot be undone.</source>
        <translation>
            <numerusform>%n Nachricht in %1 wird gelöscht. Dies kann nicht rückgängig gemacht werden.</numerusform>
            <numerusform>%n Nachrichten in %1 werden gelöscht. Dies kann nicht rückgängig gemacht werden.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="202"/>
        <source>No sample of the messages: %1</source>
        <translation>Keine Stichprobe der Nachrichten: %1</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="211"/>
        <source>(no type)</source>
        <translation>(kein Typ)</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="213"/>
        <source>Blast radius: %1.</source>
        <translation>Auswirkung: %1.</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="214"/>
        <source>Classes: %1</source>
        <translation>Klassen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="215"/>
        <source>Users: unknown — no user rule for this connection yet</source>
        <translation>Benutzer: unbekannt – für diese Verbindung gibt es noch keine Benutzerregel</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="228"/>
        <source>This connection may not move messages (a read-only profile, or a user without the administrator or policymaker tag).</source>
        <translation>Diese Verbindung darf keine Nachrichten verschieben (ein schreibgeschütztes Profil oder ein Benutzer ohne das Tag administrator oder policymaker).</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="230"/>
        <source>This connection may not purge queues (a read-only profile).</source>
        <translation>Diese Verbindung darf keine Warteschlangen leeren (ein schreibgeschütztes Profil).</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="233"/>
        <source>The audit log is unavailable, so this action is off.</source>
        <translation>Das Prüfprotokoll ist nicht verfügbar, daher ist diese Aktion ausgeschaltet.</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="235"/>
        <source>The queue is empty: nothing to do.</source>
        <translation>Die Warteschlange ist leer: Es gibt nichts zu tun.</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="252"/>
        <source>Moving… RabbitMQ moves them server-side.</source>
        <translation>Verschiebe… RabbitMQ verschiebt sie auf dem Server.</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="252"/>
        <source>Purging…</source>
        <translation>Leere…</translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="276"/>
        <source>Moved %1 of %2 so far, in batches; each acknowledged at the source only once RabbitMQ confirmed it.</source>
        <translation>Bisher %1 von %2 stapelweise verschoben; jede wird an der Quelle erst bestätigt, wenn RabbitMQ sie bestätigt hat.</translation>
    </message>
</context>
<context>
    <name>qd::QueueDetailView</name>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>5 min</source>
        <translation>5 min</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+1</source>
        <translation>Alt+1</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>1 h</source>
        <translation>1 h</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+2</source>
        <translation>Alt+2</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+3</source>
        <translation>Alt+3</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="178"/>
        <source>Show the last %1 (%2)</source>
        <translation>Die letzten %1 anzeigen (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Depth by state</source>
        <translation>Länge nach Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Oldest waiting job</source>
        <translation>Ältester wartender Job</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="187"/>
        <source>&amp;Charts</source>
        <translation>Dia&amp;gramme</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="188"/>
        <source>&amp;Jobs</source>
        <translation>&amp;Jobs</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="362"/>
        <source>consumers of this queue %1</source>
        <translation>Consumer dieser Warteschlange %1</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="363"/>
        <source>workers on this connection %1 busy / %2 idle / %3 lost</source>
        <translation>Worker dieser Verbindung %1 beschäftigt / %2 untätig / %3 verloren</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="365"/>
        <source>Waiting %1 · running %2 · scheduled %3 · failed %4 · oldest %5 · in %6 · out %7 · %8 · %9</source>
        <translation>Wartend %1 · laufend %2 · geplant %3 · fehlgeschlagen %4 · ältester %5 · rein %6 · raus %7 · %8 · %9</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="374"/>
        <source>Dead-letter queue: messages rejected from %1 land here. Nobody is expected to consume them; look at them, then move them back or drop them.</source>
        <translation>Dead-Letter-Warteschlange: hier landen von %1 abgewiesene Nachrichten. Niemand soll sie konsumieren; sehen Sie sie an, dann verschieben Sie sie zurück oder verwerfen Sie sie.</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="46"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="47"/>
        <source>running</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="48"/>
        <source>scheduled</source>
        <translation>geplant</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="49"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="52"/>
        <source>in</source>
        <translation>ein</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="53"/>
        <source>out</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="51"/>
        <source>oldest age</source>
        <translation>ältestes Alter</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="50"/>
        <source>dead</source>
        <translation>tot</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="54"/>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="55"/>
        <source>idle</source>
        <translation>untätig</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="56"/>
        <source>lost</source>
        <translation>verloren</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="190"/>
        <location filename="../widgets/charts/queuedetailview.cpp" line="211"/>
        <source>Queue %1</source>
        <translation>Warteschlange %1</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="356"/>
        <source>This queue has no jobs and was not seen in the last poll.</source>
        <translation>Diese Warteschlange hat keine Jobs und wurde bei der letzten Abfrage nicht gesehen.</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="357"/>
        <source>Waiting for the first poll…</source>
        <translation>Warte auf die erste Abfrage…</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="379"/>
        <source>Paused on the backend: workers take no jobs from this queue until it is resumed.</source>
        <translation>Im Backend pausiert: Worker nehmen aus dieser Warteschlange keine Jobs, bis sie fortgesetzt wird.</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="382"/>
        <source>dead %1 · completed and kept %2</source>
        <translation>dead %1 · abgeschlossen und aufbewahrt %2</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="386"/>
        <source>≈ Rates are lower bounds: jobs that arrive and finish between two polls are not seen.</source>
        <translation>≈ Raten sind Untergrenzen: Jobs, die zwischen zwei Abfragen eingehen und fertig werden, werden nicht gesehen.</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="389"/>
        <source>Workers are not visible on this backend (Celery reports them only through its events).</source>
        <translation>Worker sind bei diesem Backend nicht sichtbar (Celery meldet sie nur über seine Events).</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="391"/>
        <source>Idle workers are invisible on this backend: only workers holding a job are counted.</source>
        <translation>Untätige Worker sind bei diesem Backend unsichtbar: Nur Worker, die einen Job haben, werden gezählt.</translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="402"/>
        <source>Last poll failed: %1 — showing the last known data.</source>
        <translation>Letzte Abfrage fehlgeschlagen: %1 — zeige die zuletzt bekannten Daten.</translation>
    </message>
</context>
<context>
    <name>qd::QueueOverviewModel</name>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="184"/>
        <source>%1 (paused)</source>
        <extracomment>a queue&apos;s waiting count while the queue is paused on the backend</extracomment>
        <translation>%1 (pausiert)</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="188"/>
        <source>%1 (%2 stuck)</source>
        <extracomment>running jobs, of which some are held by a lost worker (stalled)</extracomment>
        <translation>%1 (%2 festhängend)</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="208"/>
        <source>Last poll failed: %1</source>
        <translation>Letzte Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="211"/>
        <source>Consumers (workers) serving this queue now</source>
        <translation>Consumer (Worker), die diese Warteschlange gerade bedienen</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="212"/>
        <source>This backend does not tell which workers serve this queue</source>
        <translation>Dieses Backend sagt nicht, welche Worker diese Warteschlange bedienen</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="215"/>
        <source>%1 — dead-letter queue: messages rejected from %2</source>
        <translation>%1 — Dead-Letter-Warteschlange: von %2 abgewiesene Nachrichten</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="220"/>
        <source>%1 — paused: workers take no jobs from it</source>
        <translation>%1 — pausiert: Worker nehmen keine Jobs daraus</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="258"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="259"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="260"/>
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="261"/>
        <source>Trend</source>
        <comment>recent waiting depths as a small line chart</comment>
        <translation>Trend</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="262"/>
        <source>Running</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="263"/>
        <source>Consumers</source>
        <comment>workers or consumers serving a queue</comment>
        <translation>Consumer</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="264"/>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="265"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="266"/>
        <source>Oldest</source>
        <comment>age of the oldest waiting job</comment>
        <translation>Ältester</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="267"/>
        <source>In/min</source>
        <translation>Ein/min</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="268"/>
        <source>Out/min</source>
        <translation>Aus/min</translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="269"/>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
</context>
<context>
    <name>qd::QueueStatus</name>
    <message>
        <location filename="../models/queuestatus.cpp" line="55"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="56"/>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="57"/>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="58"/>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
</context>
<context>
    <name>qd::QueueTile</name>
    <message>
        <location filename="../widgets/queuetile.cpp" line="35"/>
        <source>Queue %1 on %2</source>
        <translation>Warteschlange %1 auf %2</translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="37"/>
        <source>%1: %2 waiting, oldest %3, failed %4, %5</source>
        <extracomment>screen-reader summary of a queue tile: status, waiting count, oldest age, failed count, freshness</extracomment>
        <translation>%1: %2 wartend, ältester %3, fehlgeschlagen %4, %5</translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="40"/>
        <source>Last poll failed: %1</source>
        <translation>Letzte Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="113"/>
        <source>oldest %1</source>
        <translation>ältester %1</translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="113"/>
        <source>failed %1</source>
        <translation>fehlgeschlagen %1</translation>
    </message>
</context>
<context>
    <name>qd::RecipientCollector</name>
    <message>
        <location filename="../core/recipients/recipientcollector.cpp" line="54"/>
        <source>The connection is gone.</source>
        <translation>Die Verbindung besteht nicht mehr.</translation>
    </message>
    <message>
        <location filename="../core/recipients/recipientcollector.cpp" line="96"/>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
</context>
<context>
    <name>qd::RecipientModel</name>
    <message>
        <location filename="../models/recipientmodel.cpp" line="15"/>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="16"/>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="17"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="18"/>
        <source>skipped (already sent)</source>
        <translation>übersprungen (bereits gesendet)</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="113"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="114"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="115"/>
        <source>Longest wait</source>
        <translation>Längste Wartezeit</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="116"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="117"/>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="118"/>
        <source>Jobs (sample)</source>
        <translation>Jobs (Stichprobe)</translation>
    </message>
</context>
<context>
    <name>qd::ResendDialog</name>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="58"/>
        <source>(too long to compare line by line: %1 and %2 lines)</source>
        <translation>(zu lang für einen zeilenweisen Vergleich: %1 und %2 Zeilen)</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="94"/>
        <source>Edit and Resend — %1</source>
        <translation>Bearbeiten und erneut senden – %1</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="98"/>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="103"/>
        <source>Edited payload (JSON)</source>
        <translation>Bearbeitete Payload (JSON)</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="108"/>
        <source>Changes against the original</source>
        <translation>Änderungen gegenüber dem Original</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="116"/>
        <source>Resend as a &amp;new job (the original stays where it is)</source>
        <translation>Als &amp;neuen Job senden (das Original bleibt, wo es ist)</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="117"/>
        <source>Replace the original with the edit and &amp;retry it (same id)</source>
        <translation>Das Original durch die Bearbeitung ersetzen und &amp;wiederholen (gleiche ID)</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="122"/>
        <source>The %1 backend can only resend in place.</source>
        <translation>Das Backend %1 kann nur an Ort und Stelle erneut senden.</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="131"/>
        <source>Re&amp;send</source>
        <translation>Erneut &amp;senden</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="141"/>
        <source>The audit log could not be opened: nothing is resent without it.</source>
        <translation>Das Audit-Log konnte nicht geöffnet werden: Ohne es wird nichts erneut gesendet.</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="145"/>
        <source>Cannot load %1: %2</source>
        <translation>%1 kann nicht geladen werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="148"/>
        <source>%1 — %2, %3. Edit the job below; the right side shows what changed.</source>
        <translation>%1 – %2, %3. Bearbeiten Sie den Job unten; rechts steht, was sich geändert hat.</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="191"/>
        <source>Not valid JSON at line %1, column %2: %3</source>
        <translation>Kein gültiges JSON in Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="196"/>
        <source>✔ Valid: ready to resend.</source>
        <translation>✔ Gültig: bereit zum erneuten Senden.</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="197"/>
        <source>(no changes yet)</source>
        <translation>(noch keine Änderungen)</translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="237"/>
        <source>Resending…</source>
        <translation>Wird erneut gesendet…</translation>
    </message>
</context>
<context>
    <name>qd::Sender</name>
    <message>
        <location filename="../core/recipients/sender.cpp" line="175"/>
        <source>The outbox does not keep the password of %1: give the channel again to send.</source>
        <translation>Der Postausgang speichert das Passwort von %1 nicht: geben Sie den Kanal erneut an, um zu senden.</translation>
    </message>
    <message>
        <location filename="../core/recipients/sender.cpp" line="260"/>
        <source>already delivered</source>
        <translation>bereits zugestellt</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/recipients/sender.cpp" line="272"/>
        <source>%1 after %n attempt(s)</source>
        <translation>
            <numerusform>%1 nach %n Versuch</numerusform>
            <numerusform>%1 nach %n Versuchen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::SettingsDialog</name>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="20"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="29"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="31"/>
        <source>How often every connection is asked for its numbers. Each poll is a few cheap reads.</source>
        <translation>Wie oft jede Verbindung nach ihren Zahlen gefragt wird. Jede Abfrage besteht aus wenigen günstigen Lesezugriffen.</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="32"/>
        <source>&amp;Poll every:</source>
        <translation>&amp;Abfragen alle:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="36"/>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="38"/>
        <source>Every poll&apos;s numbers are kept this long; older history is kept per minute.</source>
        <translation>So lange bleiben die Zahlen jeder Abfrage erhalten; ältere Verläufe werden minutenweise aufbewahrt.</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="39"/>
        <source>Keep every &amp;sample for:</source>
        <translation>Jeden &amp;Messwert aufbewahren für:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="42"/>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="44"/>
        <source>Minute averages, minima and maxima for longer charts and post-mortems.</source>
        <translation>Minutenmittel, -minima und -maxima für längere Diagramme und Post-mortems.</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="45"/>
        <source>Keep &amp;minute history for:</source>
        <translation>&amp;Minutenverlauf aufbewahren für:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="49"/>
        <source>Named in the audit log and on the incident timeline for every action you take.</source>
        <translation>Wird bei jeder Ihrer Aktionen im Prüfprotokoll und in der Vorfall-Zeitleiste genannt.</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="50"/>
        <source>&amp;Operator name:</source>
        <translation>&amp;Name des Operators:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="57"/>
        <source>&amp;Theme:</source>
        <translation>&amp;Erscheinungsbild:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="60"/>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="65"/>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="102"/>
        <source>An operator name is needed: the audit log records who did what.</source>
        <translation>Ein Operator-Name ist nötig: Das Prüfprotokoll hält fest, wer was getan hat.</translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="104"/>
        <source>Minute history must be kept at least as long as every sample.</source>
        <translation>Der Minutenverlauf muss mindestens so lange aufbewahrt werden wie die einzelnen Messwerte.</translation>
    </message>
</context>
<context>
    <name>qd::ShortcutsOverlay</name>
    <message>
        <location filename="../widgets/shortcutsoverlay.cpp" line="45"/>
        <location filename="../widgets/shortcutsoverlay.cpp" line="55"/>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../widgets/shortcutsoverlay.cpp" line="64"/>
        <source>Esc or F1 closes this. Every window&apos;s menus show their shortcuts too.</source>
        <translation>Esc oder F1 schließt diese Übersicht. Auch die Menüs jedes Fensters zeigen ihre Tastenkürzel.</translation>
    </message>
</context>
<context>
    <name>qd::SparklineWidget</name>
    <message>
        <location filename="../widgets/sparkline.cpp" line="22"/>
        <source>Waiting jobs over time</source>
        <translation>Wartende Jobs im Zeitverlauf</translation>
    </message>
    <message>
        <location filename="../widgets/sparkline.cpp" line="26"/>
        <source>from %L1 to %L2 (lowest %L3, highest %L4)</source>
        <extracomment>screen-reader description of a sparkline: first, last, lowest and highest waiting count</extracomment>
        <translation>von %L1 auf %L2 (niedrigster Wert %L3, höchster %L4)</translation>
    </message>
</context>
<context>
    <name>qd::StatusStrip</name>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="36"/>
        <source>Connection status</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="46"/>
        <source>%1: connecting…</source>
        <translation>%1: verbinde…</translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="48"/>
        <source>✖ %1: unreachable — %2, %3</source>
        <translation>✖ %1: nicht erreichbar — %2, %3</translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="52"/>
        <source>● %1: %2</source>
        <translation>● %1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="55"/>
        <source>No connections</source>
        <translation>Keine Verbindungen</translation>
    </message>
</context>
<context>
    <name>qd::TeamConfig</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="171"/>
        <source>not valid YAML: %1</source>
        <translation>kein gültiges YAML: %1</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="179"/>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="183"/>
        <source>%1 is larger than 1 MiB: not a configuration</source>
        <translation>%1 ist größer als 1 MiB: keine Konfiguration</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="186"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>qd::TeamConnection</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="152"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="159"/>
        <source>%1: the environment variable %2 is not set</source>
        <translation>%1: die Umgebungsvariable %2 ist nicht gesetzt</translation>
    </message>
</context>
<context>
    <name>qd::TeamDatabase</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="194"/>
        <source>expected postgresql://user@host:5432/dbname</source>
        <translation>erwartet postgresql://user@host:5432/dbname</translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="198"/>
        <source>the database URL holds a password; use database_password_file or $PGPASSWORD instead</source>
        <translation>die Datenbank-URL enthält ein Passwort; stattdessen database_password_file oder $PGPASSWORD verwenden</translation>
    </message>
</context>
<context>
    <name>qd::TeamMirrorBackend</name>
    <message>
        <location filename="../core/team/teammirror.cpp" line="133"/>
        <source>The URL names no connection of the team server: add ?connection=NAME.</source>
        <translation>Die URL nennt keine Verbindung des Team-Servers: ?connection=NAME ergänzen.</translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="137"/>
        <source>The team database %1 cannot be read: %2</source>
        <translation>Die Team-Datenbank %1 ist nicht lesbar: %2</translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="155"/>
        <source>No team server has polled %1 since %2 (every %3 s before): these numbers are not current.</source>
        <translation>Kein Team-Server hat %1 seit %2 abgefragt (zuvor alle %3 s): diese Zahlen sind nicht aktuell.</translation>
    </message>
</context>
<context>
    <name>qd::TeamServer</name>
    <message>
        <location filename="../core/team/teamserver.cpp" line="54"/>
        <source>database: %1</source>
        <translation>database: %1</translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="66"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="75"/>
        <source>database %1: %2</source>
        <translation>Datenbank %1: %2</translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="109"/>
        <source>the database does not answer; polling stopped</source>
        <translation>die Datenbank antwortet nicht; Abfragen angehalten</translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="125"/>
        <source>holds the lead: polling every %1 s</source>
        <translation>führt: fragt alle %1 s ab</translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="128"/>
        <source>another server leads; waiting</source>
        <translation>ein anderer Server führt; wartet</translation>
    </message>
</context>
<context>
    <name>qd::TeamStore</name>
    <message>
        <location filename="../core/team/teamstore.cpp" line="155"/>
        <source>the database has schema version %1, newer than this Queuedeck (%2): upgrade queuedeckctl</source>
        <translation>die Datenbank hat Schemaversion %1, neuer als dieses Queuedeck (%2): queuedeckctl aktualisieren</translation>
    </message>
</context>
<context>
    <name>qd::Theme</name>
    <message>
        <location filename="../widgets/theme.cpp" line="109"/>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <location filename="../widgets/theme.cpp" line="110"/>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <location filename="../widgets/theme.cpp" line="111"/>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
</context>
<context>
    <name>qd::TimeSeriesChart</name>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="422"/>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="425"/>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="427"/>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="430"/>
        <source>jobs/min</source>
        <translation>Jobs/min</translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="432"/>
        <source>jobs</source>
        <translation>Jobs</translation>
    </message>
</context>
<context>
    <name>qd::TimelineActions</name>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="76"/>
        <source>Add Note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="77"/>
        <source>Note for the %1 timeline (what you did or saw):</source>
        <translation>Notiz für die Zeitleiste von %1 (was Sie getan oder gesehen haben):</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="81"/>
        <source>Note added to the timeline.</source>
        <translation>Notiz zur Zeitleiste hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="111"/>
        <location filename="../app/gui/timelineactions.cpp" line="115"/>
        <location filename="../app/gui/timelineactions.cpp" line="126"/>
        <source>Export Post-mortem</source>
        <translation>Post-mortem exportieren</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="111"/>
        <source>There is no connection with history to report on.</source>
        <translation>Es gibt keine Verbindung mit Verlauf, über die berichtet werden kann.</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="115"/>
        <source>post-mortem-%1.md</source>
        <translation>post-mortem-%1.md</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="116"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="126"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="129"/>
        <source>Post-mortem written to %1</source>
        <translation>Post-mortem nach %1 geschrieben</translation>
    </message>
</context>
<context>
    <name>qd::UserRule</name>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="73"/>
        <source>The payload is nested deeper than %1 levels.</source>
        <translation>Die Payload ist tiefer als %1 Ebenen verschachtelt.</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="77"/>
        <location filename="../core/recipients/userrule.cpp" line="100"/>
        <source>The payload expands to more than %1 values (a YAML alias bomb?).</source>
        <translation>Die Payload wird zu mehr als %1 Werten expandiert (eine YAML-Alias-Bombe?).</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="132"/>
        <source>The payload is %1 bytes; YAML handlers over %2 bytes are not read.</source>
        <translation>Die Payload ist %1 Bytes groß; YAML-Handler über %2 Bytes werden nicht gelesen.</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="144"/>
        <source>The payload is neither JSON nor readable YAML: %1</source>
        <translation>Die Payload ist weder JSON noch lesbares YAML: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="147"/>
        <source>The payload could not be read: %1</source>
        <translation>Die Payload konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="181"/>
        <source>The payload is not valid JSON at offset %1: %2</source>
        <translation>Die Payload ist an Position %1 kein gültiges JSON: %2</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="190"/>
        <source>A JSON pointer starts with &quot;/&quot;, e.g. /args/0/user_id (got &quot;%1&quot;).</source>
        <translation>Ein JSON-Pointer beginnt mit „/“, z. B. /args/0/user_id (erhalten: „%1“).</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="208"/>
        <source>In the JSON pointer &quot;%1&quot;, &quot;~&quot; must be written ~0 (and &quot;/&quot; inside a key ~1).</source>
        <translation>Im JSON-Pointer „%1“ muss „~“ als ~0 geschrieben werden (und „/“ innerhalb eines Schlüssels als ~1).</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="292"/>
        <source>The user rule is empty. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX.</source>
        <translation>Die Benutzerregel ist leer. Verwenden Sie einen JSON-Pointer (/args/0/user_id), arg:N oder re:REGEX.</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="300"/>
        <source>&quot;%1&quot;: arg: takes the argument&apos;s position from 0, e.g. arg:0.</source>
        <translation>„%1“: arg: erwartet die Position des Arguments ab 0, z. B. arg:0.</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="308"/>
        <source>&quot;re:&quot; needs a regular expression, e.g. re:user_id=(\d+).</source>
        <translation>„re:“ braucht einen regulären Ausdruck, z. B. re:user_id=(\d+).</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="312"/>
        <source>The regular expression &quot;%1&quot; is invalid at offset %2: %3</source>
        <translation>Der reguläre Ausdruck „%1“ ist an Position %2 ungültig: %3</translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="322"/>
        <source>&quot;%1&quot; is not a user rule. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX.</source>
        <translation>„%1“ ist keine Benutzerregel. Verwenden Sie einen JSON-Pointer (/args/0/user_id), arg:N oder re:REGEX.</translation>
    </message>
</context>
<context>
    <name>qd::WallTile</name>
    <message>
        <location filename="../widgets/walltile.cpp" line="143"/>
        <source>%1 · pinned</source>
        <extracomment>war-room tile: connection name, with a note when the operator pinned the queue to the wall</extracomment>
        <translation>%1 · angeheftet</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="147"/>
        <source>oldest %1</source>
        <translation>ältester %1</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="149"/>
        <source>failed %1</source>
        <translation>fehlgeschlagen %1</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="150"/>
        <source>failed %1 · %2</source>
        <translation>fehlgeschlagen %1 · %2</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="152"/>
        <source>STALE %1</source>
        <translation>VERALTET %1</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="174"/>
        <source>Queue %1 on %2</source>
        <translation>Warteschlange %1 auf %2</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="175"/>
        <source>%1: %2 waiting, oldest %3, failed %4, %5</source>
        <translation>%1: %2 wartend, ältester %3, fehlgeschlagen %4, %5</translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="177"/>
        <source>Last poll failed: %1</source>
        <translation>Letzte Abfrage fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>qd::WallView</name>
    <message>
        <location filename="../widgets/wallview.cpp" line="46"/>
        <source>War room wall</source>
        <translation>Lagewand</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="61"/>
        <source>Clock</source>
        <translation>Uhr</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="91"/>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="92"/>
        <source>Timeline entry</source>
        <translation>Eintrag der Zeitleiste</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="219"/>
        <source>All connections</source>
        <translation>Alle Verbindungen</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="220"/>
        <source>War room · %1</source>
        <translation>Lagewand · %1</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="230"/>
        <source>No queues yet.</source>
        <translation>Noch keine Warteschlangen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/wallview.cpp" line="231"/>
        <source>%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>%n Warteschlange: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
            <numerusform>%n Warteschlangen: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="243"/>
        <source>Esc leave · ←/→ connection · C stop cycling (every %1 s) · Tab next tile · Enter open · P pin</source>
        <translation>Esc verlassen · ←/→ Verbindung · C Wechsel anhalten (alle %1 s) · Tab nächste Kachel · Eingabe öffnen · P anheften</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="245"/>
        <source>Esc leave · ←/→ connection · C cycle connections · Tab next tile · Enter open · P pin</source>
        <translation>Esc verlassen · ←/→ Verbindung · C Verbindungen durchwechseln · Tab nächste Kachel · Eingabe öffnen · P anheften</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/wallview.cpp" line="322"/>
        <source>+%n more queue(s) not shown: %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>+%n weitere Warteschlange nicht gezeigt: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
            <numerusform>+%n weitere Warteschlangen nicht gezeigt: %1 kritisch, %2 Warnung, %3 unbekannt, %4 OK</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="336"/>
        <source>%1 · %2 UTC</source>
        <extracomment>war-room clock: local date, then the time in UTC (incident rooms span time zones)</extracomment>
        <translation>%1 · %2 UTC</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="343"/>
        <source>No active alerts</source>
        <translation>Keine aktiven Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="343"/>
        <source>Active alerts (%1)</source>
        <translation>Aktive Alarme (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="351"/>
        <source> (acknowledged)</source>
        <translation> (bestätigt)</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="358"/>
        <source>%1  %2 · %3 · since %4%5</source>
        <extracomment>war-room alert line: state word, connection, message, since when, acknowledged marker</extracomment>
        <translation>%1  %2 · %3 · seit %4%5</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="366"/>
        <source>Active alerts (%1, worst %2 shown)</source>
        <translation>Aktive Alarme (%1, die %2 schlimmsten gezeigt)</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="372"/>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="372"/>
        <source>Timeline unavailable</source>
        <translation>Zeitleiste nicht verfügbar</translation>
    </message>
</context>
<context>
    <name>qd::WebhookNotifier</name>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="36"/>
        <source>enter the webhook&apos;s full URL, e.g. https://hooks.slack.com/services/…</source>
        <translation>geben Sie die vollständige URL des Webhooks ein, z. B. https://hooks.slack.com/services/…</translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="39"/>
        <source>a webhook URL starts with https:// (or http:// on a local network)</source>
        <translation>eine Webhook-URL beginnt mit https:// (oder http:// in einem lokalen Netzwerk)</translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="79"/>
        <source>%1 %2 resolved: %3 (was %4)</source>
        <translation>%1 %2 aufgehoben: %3 (war %4)</translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="81"/>
        <source>%1 %2 %3: %4</source>
        <translation>%1 %2 %3: %4</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/alerts/webhooknotifier.cpp" line="157"/>
        <source>%1 after %n attempt(s)</source>
        <translation>
            <numerusform>%1 nach %n Versuch</numerusform>
            <numerusform>%1 nach %n Versuchen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::WelcomePage</name>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="45"/>
        <source>Welcome to Queuedeck</source>
        <translation>Willkommen bei Queuedeck</translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="46"/>
        <source>Live depth, age of the oldest job and worker status for your job queues.
Try the demo: a simulated Delayed::Job fleet whose workers die a minute in.</source>
        <translation>Aktuelle Länge, Alter des ältesten Jobs und Worker-Status Ihrer Job-Warteschlangen.
Probieren Sie die Demo: eine simulierte Delayed::Job-Flotte, deren Worker nach einer Minute ausfallen.</translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="48"/>
        <source>Open the &amp;demo</source>
        <translation>D&amp;emo öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="49"/>
        <source>&amp;Add connection…</source>
        <translation>Verbindung &amp;hinzufügen…</translation>
    </message>
</context>
<context>
    <name>qd::WorkerTableModel</name>
    <message>
        <location filename="../models/workertablemodel.cpp" line="43"/>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="44"/>
        <source>idle</source>
        <translation>untätig</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="46"/>
        <source>lost</source>
        <extracomment>a worker whose heartbeat stopped: it died or lost its connection</extracomment>
        <translation>verloren</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="134"/>
        <source>No heartbeat for %1: the process died or lost Redis. It cannot hear a quiet or stop signal.</source>
        <translation>Seit %1 kein Heartbeat: Der Prozess ist abgestürzt oder hat die Verbindung zu Redis verloren. Er kann kein Ruhe- oder Stoppsignal empfangen.</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="138"/>
        <source>Takes no new jobs: it finishes what it holds and waits to be stopped.</source>
        <translation>Nimmt keine neuen Jobs an: Er beendet, was er hat, und wartet darauf, gestoppt zu werden.</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="164"/>
        <source>quiet</source>
        <extracomment>a worker that was told to take no new jobs</extracomment>
        <translation>ruhend</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="164"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="180"/>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="181"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="182"/>
        <source>Quiet</source>
        <translation>Ruhend</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="184"/>
        <source>Last seen</source>
        <extracomment>time since the worker&apos;s last heartbeat</extracomment>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="185"/>
        <source>Queues</source>
        <translation>Queues</translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="186"/>
        <source>Current job</source>
        <translation>Aktueller Job</translation>
    </message>
</context>
<context>
    <name>qd::WorkersDialog</name>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="85"/>
        <source>Workers — %1</source>
        <translation>Worker – %1</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="86"/>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="87"/>
        <source>&amp;Quiet…</source>
        <translation>&amp;Ruhigstellen…</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="88"/>
        <source>&amp;Stop…</source>
        <translation>&amp;Stoppen…</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="89"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="134"/>
        <source>No successful poll yet: the workers are unknown.</source>
        <translation>Noch keine erfolgreiche Abfrage: Die Worker sind unbekannt.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="136"/>
        <source>This backend cannot see its workers.</source>
        <translation>Dieses Backend sieht seine Worker nicht.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="138"/>
        <source>no worker is registered</source>
        <translation>kein Worker ist registriert</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="140"/>
        <source>only busy workers are visible on this backend</source>
        <translation>bei diesem Backend sind nur beschäftigte Worker sichtbar</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="154"/>
        <source>The connection was removed.</source>
        <translation>Die Verbindung wurde entfernt.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="158"/>
        <source>The audit log could not be opened: no action is taken without it.</source>
        <translation>Das Audit-Log konnte nicht geöffnet werden: Ohne es wird nichts ausgeführt.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="160"/>
        <source>Select a worker first.</source>
        <translation>Wählen Sie zuerst einen Worker aus.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="162"/>
        <source>This worker is lost: nothing is listening for signals.</source>
        <translation>Dieser Worker ist verloren: Niemand empfängt Signale.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="168"/>
        <source>Finish the jobs it holds and take no new ones; the process stays up until it is stopped.</source>
        <translation>Beendet die Jobs, die er hat, und nimmt keine neuen an; der Prozess läuft weiter, bis er gestoppt wird.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="169"/>
        <source>Shut the worker down cleanly.</source>
        <translation>Fährt den Worker sauber herunter.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="177"/>
        <source>Quiet %1? It finishes the jobs it holds and takes no new ones until it is restarted.</source>
        <translation>%1 ruhigstellen? Er beendet die Jobs, die er hat, und nimmt bis zu einem Neustart keine neuen an.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="178"/>
        <source>Stop %1? It shuts down cleanly; jobs it cannot finish in time go back to their queue.</source>
        <translation>%1 stoppen? Er fährt sauber herunter; Jobs, die er nicht rechtzeitig beendet, gehen zurück in ihre Queue.</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="179"/>
        <source>Quiet Worker</source>
        <translation>Worker ruhigstellen</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="179"/>
        <source>Stop Worker</source>
        <translation>Worker stoppen</translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="192"/>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
</context>
<context>
    <name>qd::WorstAlertLabel</name>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="32"/>
        <source>No active alerts</source>
        <translation>Keine aktiven Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="41"/>
        <source>%1 %2 · %3</source>
        <extracomment>status bar: the worst active alert — state, connection, message; then how many more there are</extracomment>
        <translation>%1 %2 · %3</translation>
    </message>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="43"/>
        <source> (+%1 more)</source>
        <translation> (+%1 weitere)</translation>
    </message>
</context>
<context>
    <name>qd::amqp::Client</name>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="62"/>
        <source>The AMQP connection was already opened once.</source>
        <translation>Die AMQP-Verbindung wurde bereits einmal geöffnet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="108"/>
        <source>The AMQP server at %1:%2 does not offer PLAIN login (it offers: %3).</source>
        <translation>Der AMQP-Server unter %1:%2 bietet keine PLAIN-Anmeldung an (er bietet: %3).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="179"/>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="257"/>
        <source>The AMQP channel is not open.</source>
        <translation>Der AMQP-Kanal ist nicht geöffnet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="332"/>
        <source>The server at %1:%2 speaks another AMQP version than 0-9-1.</source>
        <translation>Der Server unter %1:%2 spricht eine andere AMQP-Version als 0-9-1.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="336"/>
        <source>%1:%2 is an HTTP port, not RabbitMQ&apos;s AMQP port: set amqp_port= in the URL.</source>
        <translation>%1:%2 ist ein HTTP-Port, nicht der AMQP-Port von RabbitMQ: Setzen Sie amqp_port= in der URL.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="348"/>
        <source>The AMQP server sent a frame of %1 bytes, over the agreed maximum of %2.</source>
        <translation>Der AMQP-Server hat einen Frame mit %1 Bytes gesendet, mehr als das vereinbarte Maximum von %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="357"/>
        <source>The AMQP stream is corrupt (a frame does not end where its length says).</source>
        <translation>Der AMQP-Datenstrom ist beschädigt (ein Frame endet nicht dort, wo seine Länge angibt).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="378"/>
        <source>The AMQP server sent an unknown frame type %1.</source>
        <translation>Der AMQP-Server hat einen unbekannten Frame-Typ %1 gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="385"/>
        <source>The AMQP server sent a truncated method frame.</source>
        <translation>Der AMQP-Server hat einen abgeschnittenen Method-Frame gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="394"/>
        <source>The AMQP server sent a method in the middle of a message.</source>
        <translation>Der AMQP-Server hat mitten in einer Nachricht eine Methode gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="401"/>
        <source>RabbitMQ refused the login of user &quot;%1&quot; on vhost &quot;%2&quot;: %3</source>
        <translation>RabbitMQ hat die Anmeldung des Benutzers „%1“ am vhost „%2“ abgelehnt: %3</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="403"/>
        <source>RabbitMQ closed the AMQP connection: %1</source>
        <translation>RabbitMQ hat die AMQP-Verbindung geschlossen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="409"/>
        <source>RabbitMQ closed the AMQP channel: %1</source>
        <translation>RabbitMQ hat den AMQP-Kanal geschlossen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="450"/>
        <source>The AMQP server sent an unexpected method %1.%2.</source>
        <translation>Der AMQP-Server hat eine unerwartete Methode %1.%2 gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="457"/>
        <source>The AMQP server sent a malformed method %1.%2.</source>
        <translation>Der AMQP-Server hat eine fehlerhafte Methode %1.%2 gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="476"/>
        <source>The AMQP server sent message content out of order.</source>
        <translation>Der AMQP-Server hat Nachrichteninhalt in falscher Reihenfolge gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="487"/>
        <source>The AMQP server sent message properties this client cannot read faithfully.</source>
        <translation>Der AMQP-Server hat Nachrichteneigenschaften gesendet, die dieser Client nicht originalgetreu lesen kann.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="498"/>
        <source>The AMQP server sent more body than the message header announced.</source>
        <translation>Der AMQP-Server hat mehr Nachrichteninhalt gesendet, als der Nachrichtenkopf angekündigt hat.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="519"/>
        <source>Cannot reach RabbitMQ&apos;s AMQP port at %1: %2</source>
        <translation>Der AMQP-Port von RabbitMQ unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="521"/>
        <source>%1 closed the connection without an AMQP greeting: is it RabbitMQ&apos;s AMQP port? Set amqp_port= in the URL (default 5672). %2</source>
        <translation>%1 hat die Verbindung ohne AMQP-Begrüßung geschlossen: Ist das der AMQP-Port von RabbitMQ? Setzen Sie amqp_port= in der URL (Standard 5672). %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="525"/>
        <source>RabbitMQ at %1 closed the AMQP connection during login (wrong user or password, or no access to vhost &quot;%2&quot;?): %3</source>
        <translation>RabbitMQ unter %1 hat die AMQP-Verbindung bei der Anmeldung geschlossen (falscher Benutzer oder falsches Passwort, oder kein Zugriff auf den vhost „%2“?): %3</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="529"/>
        <source>The AMQP connection to %1 was lost: %2</source>
        <translation>Die AMQP-Verbindung zu %1 ist abgebrochen: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="549"/>
        <source>RabbitMQ did not answer over AMQP within %1 s.</source>
        <translation>RabbitMQ hat über AMQP nicht innerhalb von %1 s geantwortet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="551"/>
        <source>RabbitMQ sent no AMQP heartbeat for %1 s.</source>
        <translation>RabbitMQ hat seit %1 s keinen AMQP-Heartbeat gesendet.</translation>
    </message>
</context>
<context>
    <name>qd::bullmq::BullMqBackend</name>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="166"/>
        <source>Queue discovery is off (discovery=off) and no queue is named (queues=a,b): there is nothing to watch.</source>
        <translation>Die Suche nach Warteschlangen ist aus (discovery=off) und keine Warteschlange ist genannt (queues=a,b): es gibt nichts zu beobachten.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="187"/>
        <source>CLIENT LIST was refused (%1): BullMQ workers are unknown. Grant the user +client|list.</source>
        <translation>CLIENT LIST wurde abgelehnt (%1): BullMQ-Worker sind unbekannt. Erteilen Sie dem Benutzer +client|list.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="195"/>
        <source>The BullMQ state script failed: %1</source>
        <translation>Das BullMQ-Zustandsskript ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="231"/>
        <source>Queue %1 has only prioritized jobs waiting: their age is not read.</source>
        <translation>In der Warteschlange %1 warten nur priorisierte Jobs: Ihr Alter wird nicht gelesen.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="235"/>
        <source>Queue %1: %2</source>
        <translation>Warteschlange %1: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="244"/>
        <source>an unnamed worker</source>
        <translation>ein unbenannter Worker</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="268"/>
        <source>unnamed worker at %1</source>
        <translation>unbenannter Worker unter %1</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="333"/>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="518"/>
        <source>BullMQ keeps no dead set: jobs that used up their attempts are in failed.</source>
        <translation>BullMQ hat kein Dead-Set: Jobs, die ihre Versuche aufgebraucht haben, liegen in failed.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="337"/>
        <source>Name a queue to list its BullMQ jobs.</source>
        <translation>Nennen Sie eine Warteschlange, um ihre BullMQ-Jobs aufzulisten.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="358"/>
        <source>BullMQ jobs could not be read: %1</source>
        <translation>BullMQ-Jobs konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="390"/>
        <source>&quot;%1&quot; is not a BullMQ job id (&lt;queue&gt;:&lt;job id&gt;).</source>
        <translation>„%1“ ist keine BullMQ-Job-ID (&lt;queue&gt;:&lt;job id&gt;).</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="404"/>
        <source>The BullMQ job could not be read: %1</source>
        <translation>Der BullMQ-Job konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="406"/>
        <source>Job %1 no longer exists in queue %2.</source>
        <translation>Job %1 existiert nicht mehr in der Warteschlange %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="412"/>
        <source>Job %1 of queue %2 has data but is in none of BullMQ&apos;s states.</source>
        <translation>Job %1 der Warteschlange %2 hat Daten, ist aber in keinem der BullMQ-Zustände.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="463"/>
        <source>This connection is read-only (readonly=1): queues cannot be paused from it.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Über sie können keine Warteschlangen pausiert werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="480"/>
        <source>No connection to Redis.</source>
        <translation>Keine Verbindung zu Redis.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="487"/>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="489"/>
        <source>Nothing was changed: %1</source>
        <translation>Nichts wurde geändert: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="505"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Kein Job wurde geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="514"/>
        <source>BullMQ jobs cannot be moved to another queue: a job&apos;s data lives under its queue&apos;s keys.</source>
        <translation>BullMQ-Jobs können nicht in eine andere Warteschlange verschoben werden: Die Daten eines Jobs liegen unter den Schlüsseln seiner Warteschlange.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="516"/>
        <source>Active BullMQ jobs cannot be retried or cancelled from here: a worker holds them.</source>
        <translation>Aktive BullMQ-Jobs können hier weder erneut ausgeführt noch abgebrochen werden: Ein Worker hält sie.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="521"/>
        <source>Waiting BullMQ jobs are already queued: only delayed, failed and completed jobs can be retried.</source>
        <translation>Wartende BullMQ-Jobs sind bereits eingereiht: Nur verzögerte, fehlgeschlagene und abgeschlossene Jobs können erneut ausgeführt werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="542"/>
        <source>job %1 has no data any more (its hash is gone); it was left where it is</source>
        <translation>Job %1 hat keine Daten mehr (sein Hash ist weg); er wurde an seinem Platz gelassen</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="543"/>
        <source>job %1 is locked by a worker; it was left alone</source>
        <translation>Job %1 ist von einem Worker gesperrt; er wurde nicht angetastet</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="544"/>
        <source>job %1 is part of a flow (parent or children); remove it with BullMQ&apos;s own API</source>
        <translation>Job %1 ist Teil eines Flows (Eltern oder Kinder); entfernen Sie ihn mit der eigenen API von BullMQ</translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="545"/>
        <source>job %1 is the next run of a job scheduler; remove the scheduler instead</source>
        <translation>Job %1 ist der nächste Lauf eines Job-Schedulers; entfernen Sie stattdessen den Scheduler</translation>
    </message>
</context>
<context>
    <name>qd::celery::CeleryBackend</name>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="210"/>
        <source>The Celery queue script failed: %1</source>
        <translation>Das Celery-Warteschlangenskript ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="211"/>
        <source>unexpected reply</source>
        <translation>unerwartete Antwort</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="231"/>
        <source>Queue %1: %2</source>
        <translation>Warteschlange %1: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="283"/>
        <source>Too many prefetched (unacked) messages to count per queue within scan_budget_ms: running and scheduled counts are unknown.</source>
        <translation>Zu viele vorab abgeholte (unbestätigte) Nachrichten, um sie innerhalb von scan_budget_ms pro Warteschlange zu zählen: Laufende und geplante Zahlen sind unbekannt.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="176"/>
        <source>task %1 was not reached: it is not among the oldest %L2 waiting messages of its queue (scan_limit), so it may still be there and nothing was changed. Add scan_limit=N to the URL to look further.</source>
        <translation>Task %1 wurde nicht erreicht: Er ist nicht unter den ältesten %L2 wartenden Nachrichten seiner Warteschlange (scan_limit), kann also noch da sein, und nichts wurde geändert. Mit scan_limit=N in der URL weiter suchen.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="284"/>
        <source>Name a queue to list its Celery messages.</source>
        <translation>Nennen Sie eine Warteschlange, um ihre Celery-Nachrichten aufzulisten.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="287"/>
        <source>Celery on Redis keeps no failed or dead tasks: a failure exists only as a result (celery-task-meta-&lt;id&gt;) when a result backend is configured, without the task&apos;s arguments.</source>
        <translation>Celery auf Redis bewahrt keine fehlgeschlagenen oder toten Tasks auf: Ein Fehlschlag existiert nur als Ergebnis (celery-task-meta-&lt;id&gt;), wenn ein Result-Backend konfiguriert ist, ohne die Argumente des Tasks.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="312"/>
        <source>Celery messages could not be read: %1</source>
        <translation>Celery-Nachrichten konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="333"/>
        <source>Prefetched by a worker (kombu&apos;s unacked hash): these cannot be deleted here; use `celery control revoke`.</source>
        <translation>Von einem Worker vorab abgeholt (der unacked-Hash von kombu): Diese können hier nicht gelöscht werden; verwenden Sie `celery control revoke`.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="350"/>
        <source>&quot;%1&quot; is not a Celery job id (&lt;queue&gt;:&lt;task id&gt;).</source>
        <translation>„%1“ ist keine Celery-Job-ID (&lt;queue&gt;:&lt;task id&gt;).</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="369"/>
        <source>Task %1 is no longer in queue %2.</source>
        <translation>Task %1 ist nicht mehr in der Warteschlange %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="393"/>
        <source>This connection is read-only (readonly=1): no message was changed.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Keine Nachricht wurde geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="397"/>
        <source>Celery on Redis keeps no failed tasks to retry or move: a task&apos;s message is gone once a worker acknowledged it.</source>
        <translation>Celery auf Redis bewahrt keine fehlgeschlagenen Tasks zum Wiederholen oder Verschieben auf: Die Nachricht eines Tasks ist weg, sobald ein Worker sie bestätigt hat.</translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="400"/>
        <source>Only waiting Celery messages can be deleted: a worker holds the prefetched ones (revoke them with `celery control revoke`).</source>
        <translation>Nur wartende Celery-Nachrichten können gelöscht werden: Die vorab abgeholten hält ein Worker (widerrufen Sie sie mit `celery control revoke`).</translation>
    </message>
</context>
<context>
    <name>qd::delayedjob::DelayedJobBackend</name>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="87"/>
        <source>SQLite database %1 does not exist.</source>
        <translation>Die SQLite-Datenbank %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="90"/>
        <source>SQLite database %1 is not a readable file.</source>
        <translation>Die SQLite-Datenbank %1 ist keine lesbare Datei.</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="108"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="116"/>
        <source>Cannot set the session time zone on %1: %2</source>
        <translation>Die Zeitzone der Sitzung auf %1 kann nicht gesetzt werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="148"/>
        <source>Cannot open %1 for writing: %2</source>
        <translation>%1 kann nicht zum Schreiben geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="193"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="335"/>
        <source>This connection is read-only (readonly=1): actions are refused.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Aktionen werden abgelehnt.</translation>
    </message>
</context>
<context>
    <name>qd::demo::DemoSimulator</name>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="85"/>
        <source>Cannot create the demo directory %1.</source>
        <translation>Das Demo-Verzeichnis %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="103"/>
        <source>Cannot create the demo database %1: %2</source>
        <translation>Die Demo-Datenbank %1 kann nicht angelegt werden: %2</translation>
    </message>
</context>
<context>
    <name>qd::demo::IncidentScript</name>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="33"/>
        <source>Poison job: a PrintJob (user 1013, card 66666) fails on every attempt</source>
        <translation>Giftjob: Ein PrintJob (Benutzer 1013, Karte 66666) schlägt bei jedem Versuch fehl</translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="35"/>
        <source>New job class CoverageReportJob lands on a new queue &quot;reports&quot;</source>
        <translation>Neue Job-Klasse CoverageReportJob landet in einer neuen Warteschlange „reports“</translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="37"/>
        <source>All workers died (OS upgrade); the backlog grows</source>
        <translation>Alle Worker sind ausgefallen (Betriebssystem-Upgrade); der Rückstau wächst</translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="39"/>
        <source>Workers restarted; draining the backlog</source>
        <translation>Worker neu gestartet; der Rückstau wird abgearbeitet</translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="41"/>
        <source>Backlog drained; the extra workers stop</source>
        <translation>Rückstau abgearbeitet; die zusätzlichen Worker werden beendet</translation>
    </message>
</context>
<context>
    <name>qd::http::Client</name>
    <message>
        <location filename="../core/backends/rabbitmq/httpclient.cpp" line="117"/>
        <source>The answer from %1 is larger than %2 MiB; it was cut off.</source>
        <translation>Die Antwort von %1 ist größer als %2 MiB; sie wurde abgeschnitten.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/httpclient.cpp" line="128"/>
        <source>%1 did not answer in full within %2 s; the request was abandoned.</source>
        <translation>%1 hat nicht innerhalb von %2 s vollständig geantwortet; die Anfrage wurde aufgegeben.</translation>
    </message>
</context>
<context>
    <name>qd::rabbitmq::AmqpMove</name>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="32"/>
        <source>The move was interrupted (the connection was closed).</source>
        <translation>Das Verschieben wurde unterbrochen (die Verbindung wurde geschlossen).</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="177"/>
        <source>%n message(s) over the size limit (the largest %1 MiB, the limit %2 MiB: raise max_body_mb= to move them)</source>
        <translation>
            <numerusform>%n Nachricht über der Größengrenze (die größte %1 MiB, die Grenze %2 MiB: Erhöhen Sie max_body_mb=, um sie zu verschieben)</numerusform>
            <numerusform>%n Nachrichten über der Größengrenze (die größte %1 MiB, die Grenze %2 MiB: Erhöhen Sie max_body_mb=, um sie zu verschieben)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="184"/>
        <source>%n message(s) without an x-death header (name a queue to move them to)</source>
        <translation>
            <numerusform>%n Nachricht ohne x-death-Header (nennen Sie eine Warteschlange als Ziel)</numerusform>
            <numerusform>%n Nachrichten ohne x-death-Header (nennen Sie eine Warteschlange als Ziel)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="187"/>
        <source>%n message(s) that were dead-lettered from this very queue</source>
        <translation>
            <numerusform>%n Nachricht, die aus genau dieser Warteschlange als Dead Letter kam</numerusform>
            <numerusform>%n Nachrichten, die aus genau dieser Warteschlange als Dead Letter kamen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="190"/>
        <source>%n message(s) whose user-id property names another user than %1 (RabbitMQ lets only that user publish them)</source>
        <translation>
            <numerusform>%n Nachricht, deren user-id-Eigenschaft einen anderen Benutzer als %1 nennt (RabbitMQ lässt nur diesen Benutzer sie veröffentlichen)</numerusform>
            <numerusform>%n Nachrichten, deren user-id-Eigenschaft einen anderen Benutzer als %1 nennt (RabbitMQ lässt nur diesen Benutzer sie veröffentlichen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="196"/>
        <source>%n message(s) RabbitMQ could not route (%1)</source>
        <translation>
            <numerusform>%n Nachricht, die RabbitMQ nicht routen konnte (%1)</numerusform>
            <numerusform>%n Nachrichten, die RabbitMQ nicht routen konnte (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="199"/>
        <source>%n message(s) whose publish RabbitMQ refused (nack)</source>
        <translation>
            <numerusform>%n Nachricht, deren Veröffentlichung RabbitMQ abgelehnt hat (nack)</numerusform>
            <numerusform>%n Nachrichten, deren Veröffentlichung RabbitMQ abgelehnt hat (nack)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="202"/>
        <source>%n message(s) the edit could not be applied to (%1)</source>
        <translation>
            <numerusform>%n Nachricht, auf die die Bearbeitung nicht angewendet werden konnte (%1)</numerusform>
            <numerusform>%n Nachrichten, auf die die Bearbeitung nicht angewendet werden konnte (%1)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="293"/>
        <source>%1 — %2 message(s) had been moved. RabbitMQ put the ones got but not yet acknowledged back into %3: nothing is lost, but up to one batch (%4) may now be in both queues. Run the move again to finish it.</source>
        <translation>%1 — %2 Nachricht(en) waren bereits verschoben. RabbitMQ hat die abgeholten, aber noch nicht bestätigten zurück in %3 gelegt: Nichts ist verloren, aber bis zu ein Stapel (%4) kann jetzt in beiden Warteschlangen sein. Führen Sie das Verschieben erneut aus, um es abzuschließen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="311"/>
        <source>%1 message(s) stayed in %2, unchanged: %3.</source>
        <translation>%1 Nachricht(en) blieben unverändert in %2: %3.</translation>
    </message>
</context>
<context>
    <name>qd::rabbitmq::RabbitMqBackend</name>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="289"/>
        <source>RabbitMQ has no %1 messages to list: a queue holds ready messages (peeked here) and unacknowledged ones a consumer holds, which the API cannot show.</source>
        <translation>RabbitMQ hat keine Nachrichten im Zustand %1 zum Auflisten: Eine Warteschlange enthält bereite Nachrichten (hier per Peek angesehen) und unbestätigte, die ein Consumer hält und die die API nicht zeigen kann.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="296"/>
        <source>Name a queue to peek at.</source>
        <translation>Nennen Sie eine Warteschlange, in die Sie hineinsehen möchten.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="339"/>
        <source>%1 is a quorum queue: every peek counts as a delivery, and its delivery limit would dead-letter or drop a message peeked too often. Add peek_quorum=1 to the URL to peek anyway.</source>
        <translation>%1 ist eine Quorum-Warteschlange: Jedes Hineinsehen zählt als Zustellung, und ihr Zustelllimit würde eine zu oft angesehene Nachricht zum Dead Letter machen oder verwerfen. Fügen Sie peek_quorum=1 zur URL hinzu, um trotzdem hineinzusehen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="355"/>
        <source>Peeked without losing anything: RabbitMQ requeued these messages, marks them redelivered and may reorder them.</source>
        <translation>Angesehen, ohne etwas zu verlieren: RabbitMQ hat diese Nachrichten wieder eingereiht, markiert sie als erneut zugestellt und kann ihre Reihenfolge ändern.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="353"/>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="414"/>
        <source>Message %1 is not among the last peeked; peek again.</source>
        <translation>Nachricht %1 ist nicht unter den zuletzt angesehenen; sehen Sie erneut hinein.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="38"/>
        <source>This connection is read-only (readonly=1): nothing was moved.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Nichts wurde verschoben.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="119"/>
        <source>The move did not finish within 10 minutes; shovel %1 is still at work.</source>
        <translation>Das Verschieben wurde nicht innerhalb von 10 Minuten beendet; die Shovel %1 arbeitet noch.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="175"/>
        <source>RabbitMQ refused the move: are the rabbitmq_shovel and rabbitmq_shovel_management plugins enabled? (%1)</source>
        <translation>RabbitMQ hat das Verschieben abgelehnt: Sind die Plugins rabbitmq_shovel und rabbitmq_shovel_management aktiviert? (%1)</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="202"/>
        <source>%1 is empty: nothing to move.</source>
        <translation>%1 ist leer: Es gibt nichts zu verschieben.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="203"/>
        <source>The messages in %1 carry no x-first-death-queue header: name the queue to move them to.</source>
        <translation>Die Nachrichten in %1 haben keinen x-first-death-queue-Header: Nennen Sie die Zielwarteschlange.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="215"/>
        <source>RabbitMQ has no paused state for a queue: its consumers would have to be cancelled and re-created, which Queuedeck does not do.</source>
        <translation>RabbitMQ kennt keinen pausierten Zustand für eine Warteschlange: Ihre Consumer müssten abgebrochen und neu angelegt werden, was Queuedeck nicht tut.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="225"/>
        <source>This connection is read-only (readonly=1): nothing was deleted.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Nichts wurde gelöscht.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="308"/>
        <source>This connection is read-only (readonly=1): no message can be resent.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Keine Nachricht kann erneut gesendet werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="313"/>
        <source>Not valid JSON: %1 (at character %2).</source>
        <translation>Kein gültiges JSON: %1 (bei Zeichen %2).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="317"/>
        <source>An edited message is {&quot;headers&quot;: {…}, &quot;body&quot;: …}: the body as text or JSON.</source>
        <translation>Eine bearbeitete Nachricht ist {&quot;headers&quot;: {…}, &quot;body&quot;: …}: der Body als Text oder JSON.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="321"/>
        <source>&quot;body&quot; must be text (a JSON string) or a JSON object or array.</source>
        <translation>&quot;body&quot; muss Text (ein JSON-String) oder ein JSON-Objekt bzw. -Array sein.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="326"/>
        <source>Header %1: RabbitMQ&apos;s own x-… headers (x-death and the like) travel unchanged and cannot be edited.</source>
        <translation>Header %1: RabbitMQs eigene x-…-Header (x-death und ähnliche) bleiben unverändert und lassen sich nicht bearbeiten.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="347"/>
        <source>RabbitMQ cannot send an edited copy and keep the original in the queue: resend it in place (the edit replaces it).</source>
        <translation>RabbitMQ kann keine bearbeitete Kopie senden und das Original in der Queue behalten: Senden Sie sie an Ort und Stelle erneut (die Bearbeitung ersetzt es).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="354"/>
        <source>Message %1 cannot be edited: it has no message id, or its body is binary or was only partly peeked.</source>
        <translation>Nachricht %1 lässt sich nicht bearbeiten: Sie hat keine Nachrichten-ID, oder ihr Body ist binär bzw. wurde nur teilweise gelesen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="404"/>
        <source>Message %1 is no longer in the queue (retried, moved or taken by someone else): nothing was resent.</source>
        <translation>Nachricht %1 ist nicht mehr in der Queue (wiederholt, verschoben oder von jemand anderem genommen): Nichts wurde erneut gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="426"/>
        <source>This connection is read-only (readonly=1): no message was changed.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Keine Nachricht wurde geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="350"/>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="428"/>
        <source>RabbitMQ messages can be acted on while they are ready in a queue (state waiting) only.</source>
        <translation>RabbitMQ-Nachrichten können nur bearbeitet werden, solange sie bereit in einer Warteschlange liegen (Zustand waiting).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="430"/>
        <source>Name the queue the messages are in (--queue).</source>
        <translation>Nennen Sie die Warteschlange, in der die Nachrichten liegen (--queue).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="432"/>
        <source>Name the queue to move the messages to.</source>
        <translation>Nennen Sie die Warteschlange, in die die Nachrichten verschoben werden sollen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="446"/>
        <source>These messages have no message id, so they cannot be picked out of the queue; move or purge the whole queue instead.</source>
        <translation>Diese Nachrichten haben keine Nachrichten-ID und können daher nicht einzeln aus der Warteschlange geholt werden; verschieben oder leeren Sie stattdessen die ganze Warteschlange.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="74"/>
        <source>The RabbitMQ management API at %1 answered, but: %2</source>
        <translation>Die RabbitMQ-Management-API unter %1 hat geantwortet, aber: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="77"/>
        <source>Cannot reach the RabbitMQ management API at %1: %2</source>
        <translation>Die RabbitMQ-Management-API unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="80"/>
        <source>RabbitMQ at %1 refused the credentials of user &quot;%2&quot; (401).</source>
        <translation>RabbitMQ unter %1 hat die Zugangsdaten des Benutzers „%2“ abgelehnt (401).</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="83"/>
        <source>User &quot;%1&quot; may not read this from RabbitMQ at %2 (403): give it the monitoring tag and access to the vhost.</source>
        <translation>Der Benutzer „%1“ darf dies nicht von RabbitMQ unter %2 lesen (403): Geben Sie ihm das Tag monitoring und Zugriff auf den vhost.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="88"/>
        <source>RabbitMQ at %1 answered 404: the vhost does not exist, or this is not the management API.</source>
        <translation>RabbitMQ unter %1 hat mit 404 geantwortet: Der vhost existiert nicht, oder dies ist nicht die Management-API.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="90"/>
        <source>The RabbitMQ management API at %1 answered %2: %3</source>
        <translation>Die RabbitMQ-Management-API unter %1 hat mit %2 geantwortet: %3</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="459"/>
        <source>The connection was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="474"/>
        <source>a JSON object where the list of queues belongs</source>
        <translation>ein JSON-Objekt, wo die Liste der Warteschlangen hingehört</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="475"/>
        <source>not a list</source>
        <translation>keine Liste</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="476"/>
        <source>The RabbitMQ management API at %1 did not answer a JSON list (%2): is this the management port?</source>
        <translation>Die RabbitMQ-Management-API unter %1 hat nicht mit einer JSON-Liste geantwortet (%2): Ist das der Management-Port?</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="557"/>
        <source>Queue %1 is %2.</source>
        <translation>Warteschlange %1 ist %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="575"/>
        <source>Queue %1 redelivers %2 messages a minute: a consumer may be failing on the same message again and again.</source>
        <translation>Warteschlange %1 stellt %2 Nachrichten pro Minute erneut zu: Möglicherweise scheitert ein Consumer immer wieder an derselben Nachricht.</translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="582"/>
        <source>Queue %1: %Ln message(s) ready and no consumer.</source>
        <translation>
            <numerusform>Warteschlange %1: %Ln Nachricht bereit und kein Consumer.</numerusform>
            <numerusform>Warteschlange %1: %Ln Nachrichten bereit und kein Consumer.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="589"/>
        <source>More than %1 dead-letter exchanges: the queues bound to %2 are not marked as dead-letter queues.</source>
        <translation>Mehr als %1 Dead-Letter-Exchanges: die an %2 gebundenen Warteschlangen sind nicht als Dead-Letter-Warteschlangen markiert.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="595"/>
        <source>Per-queue statistics were not available: %1</source>
        <translation>Statistiken pro Warteschlange waren nicht verfügbar: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="602"/>
        <source>Node %1 is down.</source>
        <translation>Knoten %1 ist ausgefallen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="605"/>
        <source>Node %1 has a memory alarm: publishers are blocked.</source>
        <translation>Knoten %1 hat einen Speicheralarm: Publisher sind blockiert.</translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="608"/>
        <source>Node %1 has a disk alarm: publishers are blocked.</source>
        <translation>Knoten %1 hat einen Festplattenalarm: Publisher sind blockiert.</translation>
    </message>
</context>
<context>
    <name>qd::redis::Connection</name>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="117"/>
        <source>The connection to Redis was closed.</source>
        <translation>Die Verbindung zu Redis wurde geschlossen.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="148"/>
        <source>%1 (retrying in %2 s)</source>
        <translation>%1 (neuer Versuch in %2 s)</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="168"/>
        <source>Redis at %1 closed the connection.</source>
        <translation>Redis unter %1 hat die Verbindung geschlossen.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="231"/>
        <source>Redis at %1 refused the credentials: %2</source>
        <translation>Redis unter %1 hat die Zugangsdaten abgelehnt: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="233"/>
        <source>Redis at %1 requires a password (%2). Give it in the URL (redis://user:password@host) or in REDISCLI_AUTH.</source>
        <translation>Redis unter %1 verlangt ein Passwort (%2). Geben Sie es in der URL (redis://user:password@host) oder in REDISCLI_AUTH an.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="239"/>
        <source>Redis at %1 refused the connection setup: %2</source>
        <translation>Redis unter %1 hat den Verbindungsaufbau abgelehnt: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="292"/>
        <source>Redis at %1 sent a reply nobody asked for; the connection is dropped.</source>
        <translation>Redis unter %1 hat eine unangeforderte Antwort gesendet; die Verbindung wird getrennt.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="361"/>
        <source>Cannot reach Redis at %1: %2</source>
        <translation>Redis unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="367"/>
        <source>Redis at %1 did not accept the connection within %2 s.</source>
        <translation>Redis unter %1 hat die Verbindung nicht innerhalb von %2 s angenommen.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="372"/>
        <source>Redis at %1 did not answer in full within %2 s; the connection is dropped.</source>
        <translation>Redis unter %1 hat nicht innerhalb von %2 s vollständig geantwortet; die Verbindung wird getrennt.</translation>
    </message>
</context>
<context>
    <name>qd::redis::KeyDiscovery</name>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="104"/>
        <source>Redis refused the queue discovery script: %1</source>
        <translation>Redis hat das Skript zur Warteschlangensuche abgelehnt: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="109"/>
        <source>The queue discovery script answered something unexpected.</source>
        <translation>Das Skript zur Warteschlangensuche hat etwas Unerwartetes geantwortet.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="186"/>
        <source>unexpected reply</source>
        <translation>unerwartete Antwort</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="205"/>
        <source>Queue discovery covered about %1 % of the keyspace in %2 s; the rest follows in the next polls.</source>
        <translation>Die Warteschlangensuche hat in %2 s etwa %1 % des Schlüsselraums durchsucht; der Rest folgt in den nächsten Abfragen.</translation>
    </message>
</context>
<context>
    <name>qd::redis::Options</name>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="56"/>
        <source>max_reply_mb must be a number of MiB between 1 and 4096, got &quot;%1&quot;.</source>
        <translation>max_reply_mb muss eine Zahl in MiB zwischen 1 und 4096 sein, erhalten: „%1“.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="63"/>
        <source>The TLS CA file %1 (tls_ca) does not exist.</source>
        <translation>Die TLS-CA-Datei %1 (tls_ca) existiert nicht.</translation>
    </message>
</context>
<context>
    <name>qd::redis::RedisBackend</name>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="92"/>
        <source>The server does not answer like Redis: %1 returned &quot;%2&quot; where a list belongs. Its numbers cannot be trusted, so none are shown.</source>
        <translation>Der Server antwortet nicht wie Redis: %1 lieferte „%2“, wo eine Liste hingehört. Seinen Zahlen ist nicht zu trauen, daher wird keine gezeigt.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="162"/>
        <source>No connection to Redis.</source>
        <translation>Keine Verbindung zu Redis.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="170"/>
        <source>The worker was not signalled: %1</source>
        <translation>Der Worker wurde nicht benachrichtigt: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="196"/>
        <source>%1 — nothing is known to have changed; check the job list before trying again.</source>
        <translation>%1 — es ist keine Änderung bekannt; prüfen Sie die Job-Liste, bevor Sie es erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="207"/>
        <source>Redis refused the action: %1</source>
        <translation>Redis hat die Aktion abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>qd::redis::RespReader</name>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="174"/>
        <source>Out of memory creating the Redis reply parser.</source>
        <translation>Nicht genug Speicher, um den Parser für Redis-Antworten anzulegen.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="205"/>
        <source>Out of memory buffering a Redis reply.</source>
        <translation>Nicht genug Speicher, um eine Redis-Antwort zwischenzuspeichern.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="225"/>
        <source>A reply from Redis has more than %L1 elements, the limit; the connection is dropped.</source>
        <translation>Eine Antwort von Redis hat mehr als %L1 Elemente, die Grenze; die Verbindung wird getrennt.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="241"/>
        <source>Redis sent a reply Queuedeck cannot parse (%1); the connection is dropped.</source>
        <translation>Redis hat eine Antwort gesendet, die Queuedeck nicht verarbeiten kann (%1); die Verbindung wird getrennt.</translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="235"/>
        <source>A reply from Redis is larger than the %L1 MiB limit; the connection is dropped. Raise it with the max_reply_mb URL option if this is expected.</source>
        <translation>Eine Antwort von Redis ist größer als die Grenze von %L1 MiB; die Verbindung wird getrennt. Erhöhen Sie die Grenze mit der URL-Option max_reply_mb, falls dies erwartet ist.</translation>
    </message>
</context>
<context>
    <name>qd::rq::RqBackend</name>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="119"/>
        <source>RQ keys are not what RQ writes: %1</source>
        <translation>Die RQ-Schlüssel entsprechen nicht dem, was RQ schreibt: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="153"/>
        <source>The RQ queue script failed: %1</source>
        <translation>Das RQ-Warteschlangenskript ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="187"/>
        <source>The oldest job in queue %1 has no enqueued_at time: its age is unknown.</source>
        <translation>Der älteste Job in der Warteschlange %1 hat keine enqueued_at-Zeit: Sein Alter ist unbekannt.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="192"/>
        <source>Queue %1: %2</source>
        <translation>Warteschlange %1: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="392"/>
        <source>Name a queue to list its RQ jobs: RQ keeps its registries per queue.</source>
        <translation>Nennen Sie eine Warteschlange, um ihre RQ-Jobs aufzulisten: RQ führt seine Registries pro Warteschlange.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="395"/>
        <source>RQ has no dead jobs: a failed job stays in the failed registry until it expires there.</source>
        <translation>RQ hat keine toten Jobs: Ein fehlgeschlagener Job bleibt in der Failed-Registry, bis er dort abläuft.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="439"/>
        <source>RQ jobs could not be read: %1</source>
        <translation>RQ-Jobs konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="453"/>
        <source>Scheduled RQ jobs come first, soonest first; then the jobs deferred until the jobs they depend on finish (no run time).</source>
        <translation>Geplante RQ-Jobs kommen zuerst, die nächstfälligen zuerst; dann die Jobs, die zurückgestellt sind, bis die Jobs fertig sind, von denen sie abhängen (keine Ausführungszeit).</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="482"/>
        <source>RQ job %1 does not exist (any more).</source>
        <translation>RQ-Job %1 existiert (nicht mehr).</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="520"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Kein Job wurde geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="524"/>
        <source>RQ jobs cannot be moved to another queue from here.</source>
        <translation>RQ-Jobs können von hier nicht in eine andere Warteschlange verschoben werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="526"/>
        <source>RQ has no dead jobs.</source>
        <translation>RQ hat keine toten Jobs.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="528"/>
        <source>Finished RQ jobs are only listed: RQ keeps them for their result, not to run again.</source>
        <translation>Abgeschlossene RQ-Jobs werden nur aufgelistet: RQ bewahrt sie wegen ihres Ergebnisses auf, nicht zur erneuten Ausführung.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="531"/>
        <location filename="../core/backends/rq/rqjobs.cpp" line="534"/>
        <source>Only failed and scheduled RQ jobs can be retried.</source>
        <translation>Nur fehlgeschlagene und geplante RQ-Jobs können erneut ausgeführt werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="532"/>
        <source>Running RQ jobs cannot be cancelled here: only the worker running a job can stop it.</source>
        <translation>Laufende RQ-Jobs können hier nicht abgebrochen werden: Nur der Worker, der einen Job ausführt, kann ihn anhalten.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="560"/>
        <source>job %1 is deferred: RQ enqueues it when the jobs it depends on have finished</source>
        <translation>Job %1 ist zurückgestellt: RQ reiht ihn ein, wenn die Jobs fertig sind, von denen er abhängt</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="19"/>
        <source>RQ workers cannot be quieted: RQ has no command that makes a worker take no new jobs and stay up. Stop it instead.</source>
        <translation>RQ-Worker lassen sich nicht ruhigstellen: RQ hat keinen Befehl, mit dem ein Worker keine neuen Jobs annimmt und weiterläuft. Stoppen Sie ihn stattdessen.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="22"/>
        <source>This connection is read-only (readonly=1): workers cannot be signalled.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Worker können nicht benachrichtigt werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="37"/>
        <source>No RQ worker %1 is listening: it stopped, the name is wrong, or it is older than RQ 1.6.</source>
        <translation>Kein RQ-Worker %1 hört zu: Er wurde beendet, der Name ist falsch, oder er ist älter als RQ 1.6.</translation>
    </message>
</context>
<context>
    <name>qd::sidekiq::SetWalk</name>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="150"/>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="171"/>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="209"/>
        <source>unexpected reply</source>
        <translation>unerwartete Antwort</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="243"/>
        <source>The %1 set is not a sorted set: %2</source>
        <translation>Das Set %1 ist kein Sorted Set: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="244"/>
        <source>Could not read the %1 set: %2</source>
        <translation>Das Set %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="249"/>
        <source>The %1 set holds %L2 jobs, more than breakdown_limit (%L3): its per-queue counts are unknown.</source>
        <translation>Das Set %1 enthält %L2 Jobs, mehr als breakdown_limit (%L3): Seine Zahlen pro Warteschlange sind unbekannt.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="257"/>
        <source>The %1 set (%L2 jobs) is still being read in short steps: its per-queue counts are unknown until the next poll.</source>
        <translation>Das Set %1 (%L2 Jobs) wird noch in kurzen Schritten gelesen: Seine Zahlen pro Warteschlange sind bis zur nächsten Abfrage unbekannt.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="264"/>
        <source>The %1 set is still being read in short steps: its per-queue counts are from %2.</source>
        <translation>Das Set %1 wird noch in kurzen Schritten gelesen: Seine Zahlen pro Warteschlange stammen von %2.</translation>
    </message>
</context>
<context>
    <name>qd::sidekiq::SidekiqBackend</name>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="123"/>
        <source>Sidekiq keys are not what Sidekiq writes: %1</source>
        <translation>Die Sidekiq-Schlüssel entsprechen nicht dem, was Sidekiq schreibt: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="278"/>
        <source>Queue %1 could not be read: %2</source>
        <translation>Die Warteschlange %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="295"/>
        <source>The oldest job in queue %1 has no enqueued_at time: its age is unknown.</source>
        <translation>Der älteste Job in der Warteschlange %1 hat keine enqueued_at-Zeit: Sein Alter ist unbekannt.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="294"/>
        <source>A Sidekiq job is a JSON object ({&quot;class&quot;: …, &quot;args&quot;: […], &quot;queue&quot;: …}).</source>
        <translation>Ein Sidekiq-Job ist ein JSON-Objekt ({&quot;class&quot;: …, &quot;args&quot;: […], &quot;queue&quot;: …}).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="297"/>
        <source>&quot;class&quot; must name the job class, as a string.</source>
        <translation>&quot;class&quot; muss die Job-Klasse als Zeichenkette nennen.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="300"/>
        <source>&quot;args&quot; must be an array (Sidekiq passes it to perform).</source>
        <translation>&quot;args&quot; muss ein Array sein (Sidekiq übergibt es an perform).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="303"/>
        <source>&quot;queue&quot; must name a queue (letters, digits, _ . : -).</source>
        <translation>&quot;queue&quot; muss eine Queue nennen (Buchstaben, Ziffern, _ . : -).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="393"/>
        <source>Sidekiq keeps no completed jobs: a job that succeeds is gone.</source>
        <translation>Sidekiq bewahrt keine abgeschlossenen Jobs auf: Ein erfolgreicher Job ist weg.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="400"/>
        <source>Name a queue to list its waiting jobs.</source>
        <translation>Nennen Sie eine Warteschlange, um ihre wartenden Jobs aufzulisten.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="416"/>
        <source>Sidekiq jobs could not be read: %1</source>
        <translation>Sidekiq-Jobs konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="442"/>
        <source>&quot;%1&quot; is not a Sidekiq job id (queue:&lt;queue&gt;:&lt;jid&gt;, retry|schedule|dead:&lt;score&gt;:&lt;jid&gt;).</source>
        <translation>„%1“ ist keine Sidekiq-Job-ID (queue:&lt;queue&gt;:&lt;jid&gt;, retry|schedule|dead:&lt;score&gt;:&lt;jid&gt;).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="475"/>
        <source>Job %1 is no longer %2.</source>
        <translation>Job %1 ist nicht mehr im Zustand %2.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqclasses.cpp" line="67"/>
        <source>The queue could not be read: %1</source>
        <translation>Die Warteschlange konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="504"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Kein Job wurde geändert.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="516"/>
        <source>Only waiting Sidekiq jobs can be moved to another queue.</source>
        <translation>Nur wartende Sidekiq-Jobs können in eine andere Warteschlange verschoben werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="517"/>
        <source>&quot;%1&quot; is not a queue name to move jobs to (letters, digits, _ . : -).</source>
        <translation>„%1“ ist kein gültiger Name einer Zielwarteschlange (Buchstaben, Ziffern, _ . : -).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="521"/>
        <source>Only scheduled, failed (retry set) and dead Sidekiq jobs can be retried.</source>
        <translation>Nur geplante, fehlgeschlagene (Retry-Set) und tote Sidekiq-Jobs können erneut ausgeführt werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="522"/>
        <source>Running Sidekiq jobs cannot be cancelled: Sidekiq has no way to stop a job.</source>
        <translation>Laufende Sidekiq-Jobs können nicht abgebrochen werden: Sidekiq kann einen Job nicht anhalten.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="549"/>
        <source>job %1 was not reached: it is not among the oldest %L2 waiting jobs of its queue (scan_limit), so nothing was changed — it was not taken by anyone. Add scan_limit=N to the URL to look further.</source>
        <translation>Job %1 wurde nicht erreicht: Er ist nicht unter den ältesten %L2 wartenden Jobs seiner Warteschlange (scan_limit), daher wurde nichts geändert – niemand hat ihn genommen. Mit scan_limit=N in der URL wird weiter gesucht.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="554"/>
        <source>job %1 has no &quot;queue&quot; field where Sidekiq writes it; it was left where it is</source>
        <translation>Job %1 hat kein Feld „queue“ an der Stelle, an der Sidekiq es schreibt; er wurde an seinem Platz gelassen</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="562"/>
        <source>This connection is read-only (readonly=1): no job can be resent.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Kein Job kann erneut gesendet werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="567"/>
        <source>Not valid JSON: %1 (at character %2).</source>
        <translation>Kein gültiges JSON: %1 (bei Zeichen %2).</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="582"/>
        <source>Job %1 is not a %2 job: it was not resent.</source>
        <translation>Job %1 ist kein Job im Zustand %2: Er wurde nicht erneut gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="586"/>
        <source>Only failed (retry set), dead and scheduled Sidekiq jobs can be edited and resent.</source>
        <translation>Nur fehlgeschlagene (Retry-Menge), tote und geplante Sidekiq-Jobs lassen sich bearbeiten und erneut senden.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="624"/>
        <source>Nothing was resent: %1</source>
        <translation>Nichts wurde erneut gesendet: %1</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="626"/>
        <source>Job %1 is no longer where you saw it (retried, deleted or run meanwhile): nothing was resent.</source>
        <translation>Job %1 ist nicht mehr dort, wo Sie ihn gesehen haben (inzwischen wiederholt, gelöscht oder ausgeführt): Nichts wurde erneut gesendet.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="30"/>
        <source>This connection is read-only (readonly=1): workers cannot be signalled.</source>
        <translation>Diese Verbindung ist schreibgeschützt (readonly=1): Worker können nicht benachrichtigt werden.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="617"/>
        <source>No connection to Redis.</source>
        <translation>Keine Verbindung zu Redis.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="44"/>
        <source>No Sidekiq process %1 is registered: it stopped, or the name is wrong.</source>
        <translation>Kein Sidekiq-Prozess %1 ist registriert: Er wurde beendet, oder der Name ist falsch.</translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="45"/>
        <source>Sidekiq process %1 has not sent a heartbeat for a minute: it is gone and cannot hear a signal.</source>
        <translation>Der Sidekiq-Prozess %1 hat seit einer Minute keinen Heartbeat gesendet: Er ist weg und kann kein Signal empfangen.</translation>
    </message>
</context>
</TS>
