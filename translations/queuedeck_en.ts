<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="177"/>
        <source>Operations dashboard for job and message queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="64"/>
        <source>Start the embedded Delayed::Job demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="66"/>
        <source>Monitor URL for this run only (repeatable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="69"/>
        <source>Poll interval in seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="72"/>
        <source>Render the window to a PNG and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="75"/>
        <source>With --screenshot: wait this long first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="78"/>
        <source>Open this queue of the first connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="81"/>
        <source>With --queue: open its Jobs tab on this state.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="85"/>
        <source>Open the alert rules editor of the first connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="88"/>
        <source>Start in war-room mode: a full-screen wall (F11 toggles).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="91"/>
        <source>With --wall: switch between connections every SECONDS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="94"/>
        <source>With --screenshot: the size to render, e.g. 3840x2160.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="97"/>
        <source>Look for this run: system, light or dark.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="100"/>
        <source>Language for this run, e.g. de or en.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd</name>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="427"/>
        <source>%1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="429"/>
        <source>%1 %2 %3 job(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="430"/>
        <source>%1 %2 %3 job(s) in %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="432"/>
        <source> (%1 skipped: no longer %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="435"/>
        <source> — stopped, %1 left for a resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="437"/>
        <source> — interrupted (%1), %2 left for a resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="84"/>
        <source>Operator %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="67"/>
        <location filename="../core/privatefiles.cpp" line="77"/>
        <source>cannot read the password file %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="70"/>
        <source>the password file %1 is readable by other users (mode %2); refusing to use it. Run: chmod 600 %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/privatefiles.cpp" line="87"/>
        <source>the password file %1 is empty (its first line is the password)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="35"/>
        <source>unknown key &quot;%1&quot; (known: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="43"/>
        <source>connections[%1]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="45"/>
        <source>%1: a connection is a map with name and url</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="58"/>
        <source>%1: name and url are required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="62"/>
        <source>%1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="66"/>
        <source>%1 (%2): a team+ URL reads the database of a team server; the server polls the backends themselves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="71"/>
        <source>%1 (%2): the URL holds a password; put it in password_env or password_file, never in the configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="75"/>
        <source>%1 (%2): password_env or password_file, not both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="98"/>
        <source>the configuration is a YAML map (database, metrics, interval, connections)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="108"/>
        <source>database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="112"/>
        <source>metrics: expected host:port, e.g. 127.0.0.1:9187</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="118"/>
        <source>interval: seconds between polls, from 1 to 3600</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="123"/>
        <source>connections: a list of at least one connection (name, url)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="132"/>
        <source>connections: the name &quot;%1&quot; is given twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="64"/>
        <source>The team server has no connection named &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ActionTexts</name>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="12"/>
        <source>retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="13"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/actiontexts.cpp" line="14"/>
        <source>moved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AddConnectionDialog</name>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="21"/>
        <source>Add Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="24"/>
        <source>e.g. Production jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="25"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="27"/>
        <source>Choose an example…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="31"/>
        <source>&amp;Example:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="35"/>
        <source>Connection URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="36"/>
        <source>&amp;URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="37"/>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="38"/>
        <source>Connect once and read a snapshot, without saving anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="45"/>
        <source>Passwords are never stored in the settings file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="109"/>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/addconnectiondialog.cpp" line="117"/>
        <source>OK: %n queue(s) found.</source>
        <translation>
            <numerusform>OK: %n queue found.</numerusform>
            <numerusform>OK: %n queues found.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="119"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertListModel</name>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="145"/>
        <source>%1 (snoozed until %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="149"/>
        <source> (ack)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="186"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="187"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="188"/>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="189"/>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="190"/>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertlistmodel.cpp" line="191"/>
        <source>Since</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertMessages</name>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="22"/>
        <source>warn %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="25"/>
        <source>crit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="35"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="38"/>
        <source>%1 m %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="38"/>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="40"/>
        <source>%1 h %2 m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="47"/>
        <source>%1: age of the oldest job is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="50"/>
        <source>%1: oldest job waited at least %2 (as long as Queuedeck has watched it)%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="53"/>
        <source>%1: oldest job waited %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="59"/>
        <source>%1: depth is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="61"/>
        <source>%1: %2 jobs waiting%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="67"/>
        <source>%1: depth grew from %2 to %3 in %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="69"/>
        <source>; arriving %1/min, done %2/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="71"/>
        <source>; drains in about %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="73"/>
        <source>; not draining at this rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="81"/>
        <source>%1 jobs wait and no worker is taking them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="83"/>
        <source> (%1 worker(s) lost)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="86"/>
        <source>; this backend shows only workers holding a job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="93"/>
        <source>%1: %2 waiting, 0 consumers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="95"/>
        <source> (the %1 live worker(s) serve other queues)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="102"/>
        <source>%1: %2 jobs wait and the backlog has not drained for %3 polls (%4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="106"/>
        <source>nothing completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="106"/>
        <source>completions unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="116"/>
        <source>%1: %2 dead letters, rejected from %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="118"/>
        <source>; %1 new in the last %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="125"/>
        <source>%1 worker(s) lost: their heartbeat or lock expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="132"/>
        <source> and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="140"/>
        <source>%1: %2 taken jobs and nothing completed for %3: a consumer may hold them without working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="149"/>
        <source>%1: %2 jobs held by a lost worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="150"/>
        <source>%1: %2 jobs held by lost worker %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="155"/>
        <source>%1: a job has failed %2 times and is still being retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="160"/>
        <source>%1: %2 failures per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="165"/>
        <source>new queue %1 discovered: is anything monitoring and working it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="170"/>
        <source>backend unreachable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertmessages.cpp" line="175"/>
        <source>no successful poll for %1 intervals</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertRule</name>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="67"/>
        <source>oldest job age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="68"/>
        <source>depth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="69"/>
        <source>depth growing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="70"/>
        <source>no workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="71"/>
        <source>queue not served</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="72"/>
        <source>worker lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="73"/>
        <source>failure rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="74"/>
        <source>poison job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="75"/>
        <source>new queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="76"/>
        <source>backend unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="77"/>
        <source>data stale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="78"/>
        <source>backlog not draining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="79"/>
        <source>dead letters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="80"/>
        <source>stuck work</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertRuleModel</name>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="37"/>
        <source>Rule %1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="161"/>
        <source>(whole connection)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="163"/>
        <location filename="../models/alertrulemodel.cpp" line="166"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="169"/>
        <source>at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="176"/>
        <source>This rule cannot be used: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="180"/>
        <source>Rule id: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="182"/>
        <source>Queue name or glob (* and ?): mail*, print-?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="183"/>
        <source>This rule watches the whole connection, not single queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="190"/>
        <source>An alert clears only once the value drops below this share of the level it crossed, so a value hovering at the threshold does not flap.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="228"/>
        <source>unknown rule kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="245"/>
        <source>say which queues the rule watches (* for all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="270"/>
        <source>&quot;%1&quot; is not a share between 1% and 100%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="305"/>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="307"/>
        <source>Queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="309"/>
        <source>Warn above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="311"/>
        <source>Critical above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="313"/>
        <source>For</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="315"/>
        <source>Clears below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="321"/>
        <source>Ages take s/m/h/d (90s, 5m, 1h30m); counts and rates are numbers. Empty: no such level.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/alertrulemodel.cpp" line="323"/>
        <source>How long a level must hold before the alert fires.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertRulesDialog</name>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="61"/>
        <source>Alert Rules — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="64"/>
        <source>Each rule fires WARN or CRIT when its level holds for the time in &quot;For&quot;. Ages take s/m/h/d (90s, 5m, 1h30m). queuedeckctl check --rules-file reads the same rules (Export…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="83"/>
        <source>Alert rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="123"/>
        <source>&amp;Add Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="133"/>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="135"/>
        <source>Reset to &amp;Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="136"/>
        <source>Oldest job 5/15 min, no workers, lost workers, poison jobs, failure rate, new queues, unreachable, stale data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="138"/>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="139"/>
        <source>Replace the rules with those of a JSON file (the format Export writes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="140"/>
        <source>E&amp;xport…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="142"/>
        <source>Save the rules as JSON, for queuedeckctl check/watch --rules-file or another connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="145"/>
        <source>Import Alert Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="145"/>
        <location filename="../widgets/alertrulesdialog.cpp" line="152"/>
        <source>JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="151"/>
        <source>Export Alert Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="170"/>
        <source>Post alert changes to a &amp;webhook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="175"/>
        <source>Slack-compatible (Slack, Mattermost, Rocket.Chat)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="176"/>
        <source>PagerDuty Events v2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="177"/>
        <source>&amp;Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="180"/>
        <source>Webhook URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="182"/>
        <source>&amp;URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="185"/>
        <source>PagerDuty routing key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="186"/>
        <source>Routing &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="187"/>
        <source>Send &amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="188"/>
        <source>Post one test message now, with the settings as typed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="194"/>
        <source>This connection is not saved: its rules and webhook last until Queuedeck quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="195"/>
        <source>The URL and routing key are kept in the desktop keyring, not in the settings file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="105"/>
        <source>Not changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="245"/>
        <source>Webhook: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="248"/>
        <source>Webhook: PagerDuty needs the integration&apos;s routing key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="302"/>
        <source>Default rules restored; OK applies them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="311"/>
        <source>Not imported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/alertrulesdialog.cpp" line="315"/>
        <source>%n rule(s) imported; OK applies them.</source>
        <translation>
            <numerusform>%n rule imported; OK applies them.</numerusform>
            <numerusform>%n rules imported; OK applies them.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="325"/>
        <source>Rules exported to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="325"/>
        <source>Not exported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="337"/>
        <source>Reading the keyring…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="343"/>
        <source>The webhook&apos;s URL could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="377"/>
        <source>Test message from Queuedeck: alerts of %1 will be posted here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="379"/>
        <source>Sending a test message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="388"/>
        <source>Test message delivered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="390"/>
        <source>Test message failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="408"/>
        <source>Saving to the keyring…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/alertrulesdialog.cpp" line="415"/>
        <source>Not saved — the keyring refused the webhook: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertRulesIO</name>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="96"/>
        <source>Fires when the oldest waiting job has waited longer than this (e.g. 5m, 1h30m).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="98"/>
        <source>Fires when more jobs than this are waiting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="100"/>
        <source>Fires when the queue grew by more than this many jobs over the window while arrivals outpaced completions (0: any growth).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="103"/>
        <source>Fires when more jobs than this wait and no live worker is there (0: any job).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="105"/>
        <source>Fires when more jobs than this wait in a queue no live worker listens to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="107"/>
        <source>Fires when more workers than this stopped sending heartbeats (0: any).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="109"/>
        <source>Fires when more jobs than this fail per minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="111"/>
        <source>Fires when one job has failed more times than this and is still retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="113"/>
        <source>A newly discovered queue is always a warning; no threshold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="115"/>
        <source>Set a level to 0 to choose how bad an unreachable backend is (warn or crit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="117"/>
        <source>Fires when no poll succeeded for more than this many poll intervals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="119"/>
        <source>Fires when jobs have waited for more than this many polls in a row while the depth did not fall and nothing was seen completing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="122"/>
        <source>Fires when more taken jobs than this are stuck: held by a lost worker, or taken while nothing completes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="125"/>
        <source>Fires while new letters arrive in a dead-letter queue (in the last 10 minutes) and it holds more than this (0: any). Other rules leave dead-letter queues alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="135"/>
        <source>The window the growth is measured over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="137"/>
        <source>How long a new queue stays flagged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="139"/>
        <source>Not used: the level itself counts polls.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="141"/>
        <source>How long taken jobs may sit while nothing completes before they count as stuck (jobs of a lost worker count at once).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="144"/>
        <source>How long the level must hold before the alert fires (restart blips stay quiet).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="172"/>
        <source>rule %1: unknown kind &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="187"/>
        <source>rule %1 (%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="190"/>
        <source>rule %1: the id &quot;%2&quot; is used twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="202"/>
        <source>cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="206"/>
        <source>%1 is too big for a rules file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="212"/>
        <source>%1 is not a JSON list of rules (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="213"/>
        <source>not a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="222"/>
        <location filename="../core/alerts/alertrulesio.cpp" line="226"/>
        <source>cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="234"/>
        <source>the rule has no id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="237"/>
        <source>say which queues it watches (* for all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="241"/>
        <source>thresholds must be numbers of 0 or more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="245"/>
        <source>set a warning or a critical level (a rule without either never fires)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="248"/>
        <source>the warning level is above the critical level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="251"/>
        <source>&quot;for&quot; must be between 0 and 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="254"/>
        <source>say how long a new queue stays flagged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="257"/>
        <source>the clear ratio must be above 0 and at most 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="303"/>
        <source>&quot;%1&quot; is not a duration (try 90s, 5m or 1h30m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrulesio.cpp" line="336"/>
        <source>&quot;%1&quot; is not a number of 0 or more</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertSettings</name>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="32"/>
        <source>Webhook delivery failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="46"/>
        <source>%1: the saved alert rules could not be read (%2); the default rules apply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="61"/>
        <source>%1: the webhook to %2 is on, but its URL is not in the keyring; open Alert Rules to enter it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="64"/>
        <source>%1: the webhook to %2 is off for now: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/alertsettings.cpp" line="106"/>
        <source>alert rules changed (%n rule(s))</source>
        <translation>
            <numerusform>alert rules changed (%n rule)</numerusform>
            <numerusform>alert rules changed (%n rules)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="108"/>
        <source>webhook on (%1, %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/alertsettings.cpp" line="109"/>
        <source>webhook off</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertState</name>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="88"/>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="89"/>
        <source>WARN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="90"/>
        <source>CRIT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/alertrule.cpp" line="91"/>
        <source>UNKNOWN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AlertsDock</name>
    <message>
        <location filename="../app/gui/alertsdock.cpp" line="100"/>
        <source>Active alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/alertsdock.cpp" line="95"/>
        <source>Alerts — none active</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/alertsdock.cpp" line="95"/>
        <source>Alerts (%n active)</source>
        <translation>
            <numerusform>Alerts (%n active)</numerusform>
            <numerusform>Alerts (%n active)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::AuditLog</name>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="68"/>
        <source>Cannot create the directory of the audit log %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="76"/>
        <source>Cannot open the audit log %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="90"/>
        <location filename="../core/audit/auditlog.cpp" line="102"/>
        <location filename="../core/audit/auditlog.cpp" line="116"/>
        <source>%1 is not a usable audit log: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="310"/>
        <source>The audit log is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="316"/>
        <source>The audit log is busy: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="323"/>
        <source>There is no bulk run %1 in the journal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="332"/>
        <source>Bulk run %1 is already done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="336"/>
        <source>Bulk run %1 is being resumed by %2 (host/process); it is left to it. Resume it when that process has ended, or at the latest after %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/audit/auditlog.cpp" line="351"/>
        <source>The audit log refused the lease: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AuditModel</name>
    <message numerus="yes">
        <location filename="../models/auditmodel.cpp" line="78"/>
        <source>%n job(s)</source>
        <translation>
            <numerusform>%n job</numerusform>
            <numerusform>%n jobs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="102"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="103"/>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="104"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="105"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="106"/>
        <source>Expected state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="107"/>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="108"/>
        <source>Selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="109"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="110"/>
        <source>Skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="111"/>
        <source>Dry run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="113"/>
        <source>Payload before</source>
        <extracomment>edit and resend: the job as it was before the operator&apos;s edit</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="114"/>
        <source>Payload after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/auditmodel.cpp" line="115"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AuditView</name>
    <message>
        <location filename="../widgets/auditview.cpp" line="90"/>
        <source>Audit Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="91"/>
        <source>Filter: operator, connection, job id, result…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="92"/>
        <source>Audit filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="93"/>
        <source>All actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="94"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="95"/>
        <source>Audit log entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="96"/>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="97"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <location filename="../widgets/auditview.cpp" line="79"/>
        <source>Export Audit Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <source>queuedeck-audit.csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="74"/>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="155"/>
        <source>There is no audit log: actions are disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="142"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/auditview.cpp" line="158"/>
        <source>%1 of %2 entries shown (the newest %3) · %4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Backend</name>
    <message>
        <location filename="../core/backend.cpp" line="19"/>
        <source>Listing jobs is not supported by the %1 backend yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="26"/>
        <source>Job details are not supported by the %1 backend yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="33"/>
        <source>A breakdown by job class is not available for the %1 backend.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="42"/>
        <source>Moving messages between queues is not supported by the %1 backend.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="57"/>
        <source>The %1 backend has no way to pause a queue that its workers respect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="62"/>
        <source>Jobs of the %1 backend cannot be edited and resent from here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="79"/>
        <source>The %1 backend did not implement worker signals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="91"/>
        <source>No worker was named.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="99"/>
        <source>%1 workers cannot be told to stop taking jobs from here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="100"/>
        <source>%1 workers cannot be stopped from here: stop them where they run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="108"/>
        <source>Purging a queue is not supported by the %1 backend.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backend.cpp" line="115"/>
        <source>Actions are not supported by the %1 backend.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::BackendFactory</name>
    <message>
        <location filename="../core/backendfactory.cpp" line="41"/>
        <source>The %1 backend is not available in this build yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::BulkDialog</name>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="29"/>
        <source>Finding the jobs to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="41"/>
        <source>Resume bulk action #%1: %2 %3 job(s), %4 of them not yet done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="46"/>
        <source>Started %1 by %2 on %3
Selected by: %4
So far: %5 acted on, %6 skipped.%7

Jobs already handled are skipped, never acted on twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="53"/>
        <source>
Stopped because: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="54"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="62"/>
        <source>Bulk Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="75"/>
        <source>What the action touches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="81"/>
        <source>no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="82"/>
        <source> jobs/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="84"/>
        <source>Spare a recovering system: at most this many jobs per second.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="85"/>
        <source>Rate limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="86"/>
        <source>Rate limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="91"/>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="100"/>
        <source>Stop After This Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="110"/>
        <source>Stopping after the batch in flight…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="119"/>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="120"/>
        <source>Cancel (delete)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="121"/>
        <source>Move to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="141"/>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="158"/>
        <source>No %1 job matches: there is nothing to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="161"/>
        <source>%1 %2 %3 job(s)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/bulkdialog.cpp" line="169"/>
        <source>%n class(es):</source>
        <translation>
            <numerusform>%n class:</numerusform>
            <numerusform>%n classes:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="175"/>
        <source>Users: %1 by %2 (%3 job(s) without one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="178"/>
        <source>Users: %1 by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="180"/>
        <source>Users: unknown — no user rule for this connection yet (Tell Affected Users… sets one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="184"/>
        <source>Oldest: %1 ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="187"/>
        <source>Selected by: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="190"/>
        <source>Sample:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="196"/>
        <source>Only jobs still %1 when their batch runs are touched; the others are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="199"/>
        <source>%1 %2 Job(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="235"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="243"/>
        <source>%1 of %2 done · %3 acted on · %4 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="252"/>
        <source>%1 %2 · skipped %3 (no longer %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="255"/>
        <source> · %1 not attempted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="258"/>
        <source>Stopped. Bulk action #%1 can be resumed from the job list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="260"/>
        <source>Interrupted: %1 — bulk action #%2 can be resumed from the job list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="264"/>
        <source>Done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/bulkdialog.cpp" line="268"/>
        <source>bulk %1 #%2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::BulkRun</name>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="40"/>
        <source>%1 job(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="42"/>
        <source> of %1 class(es)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="45"/>
        <source>, belonging to %1 user(s) by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="47"/>
        <source> (%1 without one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="51"/>
        <source>, oldest waiting %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="54"/>
        <source> (classes, users and age from a sample of %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="151"/>
        <location filename="../core/actions/bulkrun.cpp" line="331"/>
        <source>The connection is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="215"/>
        <source>Cancelled before anything changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="220"/>
        <source>Cannot list the jobs to act on: %1 — nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="262"/>
        <source>This connection cannot %1 jobs (it is read-only, or the backend cannot): nothing was changed and no run was recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="280"/>
        <source>Refusing to act without an audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="302"/>
        <source>%1 — blast radius: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="307"/>
        <source>The audit log cannot record this bulk action, so nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="361"/>
        <source>bulk #%1, batch %2 of %3: %4%5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="365"/>
        <source> → %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/bulkrun.cpp" line="367"/>
        <source> — blast radius: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ChannelSpec</name>
    <message>
        <location filename="../core/recipients/channels.cpp" line="54"/>
        <source>The SQL channel URL is invalid: %1. Example: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="63"/>
        <source>An SQLite channel needs an absolute path after three slashes. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="74"/>
        <source>A PostgreSQL channel looks like postgresql://user@host:5432/dbname?table=notifications.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="78"/>
        <source>The SQL channel supports sqlite:// and postgresql:// URLs, not &quot;%1&quot;. Example: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="86"/>
        <source>Unknown SQL channel option &quot;%1&quot;; known: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="100"/>
        <source>&quot;%1&quot; is not a plain table name (letters, digits, _).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="104"/>
        <source>&quot;%1&quot; is not a plain column name (letters, digits, _).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="140"/>
        <source>A webhook channel needs an http(s) URL, e.g. webhook:https://support.example.com/hooks/notify.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="148"/>
        <source>A CSV channel needs an absolute file path, e.g. csv:/tmp/affected.csv.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="162"/>
        <source>&quot;%1&quot; is not a channel. Use webhook:URL, csv:FILE or sql:URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="216"/>
        <location filename="../core/recipients/channels.cpp" line="242"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="271"/>
        <source>The SQLite database %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="274"/>
        <source>Cannot open the database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="280"/>
        <source>Cannot insert into %1: %2 (the table needs the columns %3, %4, %5 and a UNIQUE index on %6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/channels.cpp" line="297"/>
        <source>Cannot insert into %1: %2 (the table needs a UNIQUE index on %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Check</name>
    <message>
        <location filename="../core/cli/check.cpp" line="100"/>
        <source>%1: age of the oldest job is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="104"/>
        <source>%1: oldest job waited %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="111"/>
        <source>%1: depth is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="115"/>
        <source>%1: %2 jobs waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="144"/>
        <source>worker count is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="148"/>
        <source>%1 live worker(s), %2 required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="150"/>
        <source> (idle workers are invisible on this backend)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="153"/>
        <source>, %1 lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/cli/check.cpp" line="168"/>
        <source>%n queue(s)</source>
        <translation>
            <numerusform>%n queue</numerusform>
            <numerusform>%n queues</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="170"/>
        <source>, oldest job %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="173"/>
        <source>, %1 busy worker(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/cli/check.cpp" line="187"/>
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n more)</numerusform>
            <numerusform> (+%n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::Collector</name>
    <message>
        <location filename="../core/pollwithin.cpp" line="15"/>
        <source>No complete answer within %1 s: the poll was abandoned (the server hangs or answers too slowly).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ConnectionSettings</name>
    <message>
        <location filename="../core/settings/connectionsettings.cpp" line="143"/>
        <source>the saved alert rules are not a JSON list (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ConnectionTreeModel</name>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="184"/>
        <source>error</source>
        <extracomment>shown instead of a depth when a connection&apos;s last poll failed</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="187"/>
        <source>%1
Last poll failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="206"/>
        <source>%1: %2 waiting, oldest %3 — %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="221"/>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="221"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ConnectionUrl</name>
    <message>
        <location filename="../core/connectionurl.cpp" line="123"/>
        <source>Unknown option &quot;%1&quot; for %2 URLs (options are lower case). Valid options: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="127"/>
        <source>The option %1 is given twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="131"/>
        <source>The option %1 must be 1, true, yes or on (or 0, false, no, off); got &quot;%2&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="137"/>
        <source>The option %1 must be a number; got &quot;%2&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="245"/>
        <source>The connection URL is empty. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="251"/>
        <source>&quot;%1&quot; is not a connection URL: it needs a scheme such as delayedjob+sqlite:// or sidekiq+redis://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="269"/>
        <source>Unknown scheme &quot;%1&quot;. Supported: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="287"/>
        <source>The SQLite path must be absolute (three slashes): delayedjob+sqlite:///path/to/db.sqlite3, got &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="295"/>
        <source>The URL is malformed: %1. Example: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="300"/>
        <source>The URL has no host name. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="304"/>
        <source>The port must be between 1 and 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="315"/>
        <source>The PostgreSQL URL names no database. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="322"/>
        <source>The Redis database must be a number after the host, like /0; got &quot;/%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="335"/>
        <source>The table name &quot;%1&quot; is not a plain SQL identifier (letters, digits, underscore, optional schema.).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::CredentialStore</name>
    <message>
        <location filename="../core/settings/credentialstore.cpp" line="40"/>
        <source>The keyring refused access: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/settings/credentialstore.cpp" line="43"/>
        <source>No keyring is available (%1). Queuedeck keeps passwords and webhook secrets only in the desktop keyring (GNOME Keyring, KWallet), never in its settings file: start one, or type the secret each time.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::DelayedJobBackend</name>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="130"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="136"/>
        <source>Counting jobs failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="145"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="152"/>
        <source>Reading jobs failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="199"/>
        <source>Bad page cursor &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="212"/>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="233"/>
        <source>Query for jobs failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="254"/>
        <source>Query for job %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="258"/>
        <source>Job %1 is gone: delayed_job deletes a job when it succeeds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="273"/>
        <source>Waiting jobs are already due; there is nothing to retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="277"/>
        <source>A running job cannot be moved: a worker holds it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="278"/>
        <source>Name the queue to move the jobs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="315"/>
        <source>Cannot start a transaction: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="320"/>
        <source>Cannot prepare the action: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="335"/>
        <source>The action failed: %1 — nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djjobs.cpp" line="350"/>
        <source>The action could not be committed: %1 — nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="23"/>
        <source>Query for %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="35"/>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="111"/>
        <source>%1 is not a readable SQLite database: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="117"/>
        <source>Table &quot;%1&quot; not found in %2. Is this the application&apos;s database, and is the table name right (URL option table=)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="134"/>
        <source>Table &quot;%1&quot; does not look like a Delayed::Job table: missing column(s) %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="162"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="169"/>
        <source>queue counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="205"/>
        <source>workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="213"/>
        <source>(unknown worker)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="250"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="257"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="261"/>
        <source>arrivals</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Directory</name>
    <message>
        <location filename="../core/recipients/directory.cpp" line="47"/>
        <source>The SQLite database %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="58"/>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="64"/>
        <source>Cannot make the session read-only: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="83"/>
        <source>The directory URL: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="88"/>
        <source>The lookup must be one SELECT statement, e.g. SELECT name, email FROM users WHERE id = :user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="91"/>
        <source>The lookup needs the :user placeholder for the user id, e.g. … WHERE id = :user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="116"/>
        <source>The lookup query failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/directory.cpp" line="122"/>
        <source>The lookup query failed for %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Freshness</name>
    <message>
        <location filename="../models/freshness.cpp" line="28"/>
        <source>%1/min</source>
        <extracomment>jobs per minute</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="45"/>
        <source>≥ %1</source>
        <extracomment>a lower bound: the job has waited at least this long (Queuedeck watched it that long)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="56"/>
        <source>%1 s</source>
        <extracomment>duration in seconds</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="60"/>
        <source>%1 m %2 s</source>
        <extracomment>duration in minutes and seconds</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="64"/>
        <source>%1 h %2 m</source>
        <extracomment>duration in hours and minutes</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="67"/>
        <source>%1 d %2 h</source>
        <extracomment>duration in days and hours</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="78"/>
        <source>never updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="81"/>
        <source>stale since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="85"/>
        <source>updated %1 ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Headline</name>
    <message>
        <location filename="../core/headline.cpp" line="38"/>
        <source>%1: unreachable — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="52"/>
        <source> and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="53"/>
        <source>process %1 lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="53"/>
        <source>worker %1 lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="67"/>
        <source>%1 messages wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="67"/>
        <source>%1 jobs wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="69"/>
        <source>%1 queue(s) without a consumer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="72"/>
        <source>%1 stuck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="76"/>
        <source>workers not visible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="78"/>
        <source>nothing is processing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="80"/>
        <source>%1 busy, %2 idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="80"/>
        <source>%1 busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="85"/>
        <source>%1 processed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="88"/>
        <source>%1 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="92"/>
        <source> · lifetime %1</source>
        <extracomment>the connection&apos;s lifetime counters, as the backend keeps them</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/headline.cpp" line="96"/>
        <source> · %1 dead</source>
        <extracomment>jobs given up on (Sidekiq&apos;s dead set) and letters in dead-letter queues, now</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::HistoryReader</name>
    <message>
        <location filename="../core/history/historyschema.cpp" line="357"/>
        <source>Cannot prepare the history statements for %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::HistoryStore</name>
    <message numerus="yes">
        <location filename="../core/history/historystore.cpp" line="91"/>
        <source>History: %n sample(s) could not be written and were dropped: %1</source>
        <translation>
            <numerusform>History: %n sample could not be written and were dropped: %1</numerusform>
            <numerusform>History: %n samples could not be written and were dropped: %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="111"/>
        <source>History: old samples could not be deleted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="138"/>
        <source>Cannot create the history directory %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="141"/>
        <source>The history directory %1 is not writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="276"/>
        <source>History: the latest samples could not be written: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="309"/>
        <source>History: the latest sample could not be written: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="35"/>
        <source>Cannot open the history database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="41"/>
        <source>%1 is not a usable history database: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="46"/>
        <source>%1 cannot use write-ahead logging (journal mode %2); is it on a network file system?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::HistoryWriter</name>
    <message>
        <location filename="../core/history/historyschema.cpp" line="101"/>
        <source>Cannot create the history schema in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="119"/>
        <source>Cannot prepare the history statements for %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="135"/>
        <source>written by a newer Queuedeck (schema version %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="223"/>
        <source>cannot register a series: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::IncidentTimeline</name>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="50"/>
        <source>Cannot create the directory of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="57"/>
        <source>Cannot open the timeline %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="65"/>
        <source>%1 is not a usable timeline: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/incidenttimeline.cpp" line="83"/>
        <source>%1 cleared (was %2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobActionsBar</name>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="100"/>
        <source>Jobs that are %1 cannot be edited and resent here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="101"/>
        <location filename="../widgets/jobactionsbar.cpp" line="111"/>
        <source>Actions are disabled: the audit log cannot be written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="102"/>
        <source>Select one job to edit it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="103"/>
        <source>Edit the selected job&apos;s payload and send it again, as a new job or in place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="110"/>
        <source>This connection does not allow this action (read-only or not supported).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="117"/>
        <source>Retry the selected jobs now, if they are still %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="118"/>
        <source>Delete the selected jobs, if they are still %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="119"/>
        <source>Act on every job matching the state and search, in batches, with progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="124"/>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="125"/>
        <source>&amp;Cancel Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="126"/>
        <source>Mo&amp;ve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="127"/>
        <source>Move the selected jobs to another queue, if they are still in the state shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="128"/>
        <source>&amp;Edit &amp;&amp; Resend…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="129"/>
        <source>All &amp;Matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="130"/>
        <source>Retry All Matching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="131"/>
        <source>Cancel All Matching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="132"/>
        <source>Move All Matching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="133"/>
        <source>Export All Matching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="134"/>
        <source>Tell &amp;Affected Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="135"/>
        <source>Who these jobs belong to, and one message to each of them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="136"/>
        <source>&amp;Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="137"/>
        <source>Move All Messages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="138"/>
        <source>Purge Queue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="139"/>
        <source>Pause Queue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="140"/>
        <source>Resume Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobactionsbar.cpp" line="142"/>
        <source>Act on the whole queue: move every message (a dead-letter queue back where its messages died), or delete them all</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobBrowser</name>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="524"/>
        <source>Stop Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="525"/>
        <source>Keep the jobs found so far and stop looking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="526"/>
        <source>Resume…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="527"/>
        <source>Job classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="529"/>
        <source>Click to sort the jobs loaded so far; the backend lists the oldest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="530"/>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="160"/>
        <source>Searching… %1 of %2 jobs looked at, %3 found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="162"/>
        <source>Searching… %1 jobs looked at, %2 found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="173"/>
        <source> — search stopped after %1 of %2 jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="176"/>
        <source>%n job(s) shown</source>
        <translation>
            <numerusform>%n job shown</numerusform>
            <numerusform>%n jobs shown</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="177"/>
        <source> — scroll for more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="181"/>
        <source>Cannot list jobs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="236"/>
        <source>Bulk %1 #%2 did not finish (%3): %4 of %5 job(s) left. %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="67"/>
        <source>Move All Matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="67"/>
        <source>Move every matching job to the queue:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="103"/>
        <source>Pause Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowserdialogs.cpp" line="104"/>
        <source>Pause %1? Its workers take no job from it until it is resumed; new jobs keep arriving and wait.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="290"/>
        <source>Cannot filter: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="342"/>
        <source>%n more class(es)</source>
        <translation>
            <numerusform>%n more class</numerusform>
            <numerusform>%n more classes</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="344"/>
        <source>Waiting by class (a sample of %1 of %2 jobs): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="346"/>
        <source>Waiting by class: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="357"/>
        <source>%n jobs selected</source>
        <translation>
            <numerusform>%n job selected</numerusform>
            <numerusform>%n jobs selected</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="396"/>
        <source>Counting jobs with the same error…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="432"/>
        <source>Similar jobs: unknown (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="435"/>
        <source>Similar jobs (same class and error): at least %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="436"/>
        <source>Similar jobs (same class and error): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="452"/>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="452"/>
        <source>Cancel (delete)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="455"/>
        <source>Move to Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="455"/>
        <source>Move the selected jobs to the queue:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="462"/>
        <source>Move to %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobbrowser.cpp" line="465"/>
        <source>%1 %n %2 job(s) in %3? Jobs that are no longer %2 are skipped.</source>
        <translation>
            <numerusform>%1 %n %2 job in %3? Jobs that are no longer %2 are skipped.</numerusform>
            <numerusform>%1 %n %2 jobs in %3? Jobs that are no longer %2 are skipped.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="503"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobbrowser.cpp" line="505"/>
        <location filename="../widgets/jobbrowser.cpp" line="511"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobDetailPane</name>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="44"/>
        <source>Job %1 · %2 · %3 · queue %4 · attempts %5
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="50"/>
        <source>Enqueued %1 · run at %2 · failed at %3
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="52"/>
        <source>Worker: %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="54"/>
        <source>
Payload:
%1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="56"/>
        <source>
Last error:
%1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="96"/>
        <source>Similar jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="97"/>
        <source>Retry All Similar…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="98"/>
        <source>Every job in this queue and state with the same error, in batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="99"/>
        <source>Copy as &amp;JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="100"/>
        <source>The selected job as JSON: summary, payload and full error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobdetailpane.cpp" line="101"/>
        <source>Job payload and error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobExportDialog</name>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="33"/>
        <location filename="../widgets/jobexportdialog.cpp" line="72"/>
        <source>Export Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="35"/>
        <source>Every %1 job in %2 that the browser&apos;s search and filters match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="43"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="47"/>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="49"/>
        <source>CSV (spreadsheets)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="50"/>
        <source>JSON Lines (one job per line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="51"/>
        <source>F&amp;ormat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="53"/>
        <source>optional: /args/0/user_id, arg:0 or re:…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="54"/>
        <source>Fills the user column with the user each job concerns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="55"/>
        <source>&amp;User rule:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="62"/>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="64"/>
        <source>&amp;Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="73"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="120"/>
        <source>No connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="123"/>
        <source>Choose a file to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="129"/>
        <source>User rule: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="135"/>
        <source>Filter: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="141"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobexportdialog.cpp" line="155"/>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="191"/>
        <source>Stopped by an error after %Ln job(s): %1</source>
        <translation>
            <numerusform>Stopped by an error after %Ln job: %1</numerusform>
            <numerusform>Stopped by an error after %Ln jobs: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="193"/>
        <source>%Ln job(s) written to %1.</source>
        <translation>
            <numerusform>%Ln job written to %1.</numerusform>
            <numerusform>%Ln jobs written to %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="195"/>
        <source>Stopped: %Ln job(s) written to %1; the rest were not exported.</source>
        <translation>
            <numerusform>Stopped: %Ln job written to %1; the rest were not exported.</numerusform>
            <numerusform>Stopped: %Ln jobs written to %1; the rest were not exported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobexportdialog.cpp" line="183"/>
        <source>%Ln job(s) written, %1 looked at…</source>
        <translation>
            <numerusform>%Ln job written, %1 looked at…</numerusform>
            <numerusform>%Ln jobs written, %1 looked at…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::JobExportWriter</name>
    <message>
        <location filename="../core/export/jobexport.cpp" line="97"/>
        <source>Cannot write the export: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobFilterBar</name>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="112"/>
        <source>Waiting longer than %1, or running longer than %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="128"/>
        <source>State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="129"/>
        <source>Job state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="133"/>
        <source>Search payload and error… (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="134"/>
        <source>Only:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="135"/>
        <source>Class (exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="136"/>
        <source>Class filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="137"/>
        <source>Field: /args/0/user_id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="139"/>
        <source>A JSON pointer into the job (Delayed::Job YAML too), arg:N or re:…; with the value on the right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="140"/>
        <source>Field filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="141"/>
        <source>= value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="142"/>
        <source>Field value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="143"/>
        <source>Oldest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="144"/>
        <source>Most attempts first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="145"/>
        <source>Order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="146"/>
        <source>Sorted by the server, across every job (not only those loaded): the poison jobs of a million-row dead set on the first page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/jobfilterbar.cpp" line="148"/>
        <source>&amp;Stuck</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobState</name>
    <message>
        <location filename="../core/jobs.cpp" line="27"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="28"/>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="29"/>
        <source>scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="30"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="31"/>
        <source>dead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/jobs.cpp" line="32"/>
        <source>completed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::JobTableModel</name>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="136"/>
        <source>This backend lists no payloads, so no job can match a field filter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="247"/>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="248"/>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="249"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="250"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="251"/>
        <source>Run at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/jobtablemodel.cpp" line="252"/>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Language</name>
    <message>
        <location filename="../app/gui/language.cpp" line="81"/>
        <source>There is no &quot;%1&quot; translation of Queuedeck.</source>
        <translation type="unfinished"></translation>
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
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="88"/>
        <location filename="../app/gui/mainwindow.cpp" line="700"/>
        <source>Connections and queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="137"/>
        <source>Snooze over: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="158"/>
        <source>Audit log unavailable: %1 — actions are disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="133"/>
        <source>Operator %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="183"/>
        <location filename="../app/gui/mainwindow.cpp" line="251"/>
        <source>Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="230"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="231"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="232"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="234"/>
        <location filename="../app/gui/mainwindow.cpp" line="239"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="247"/>
        <source>&amp;Add Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="248"/>
        <source>&amp;Remove Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="248"/>
        <source>Ctrl+Shift+Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="249"/>
        <source>Open the &amp;Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="249"/>
        <source>Ctrl+Shift+D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="254"/>
        <source>Alert &amp;Rules and Webhook…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="254"/>
        <source>Ctrl+Shift+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="255"/>
        <source>Export &amp;Post-mortem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="255"/>
        <source>Ctrl+Shift+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="258"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="258"/>
        <source>Ctrl+,</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="261"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="261"/>
        <source>Ctrl+Q</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="263"/>
        <source>&amp;Refresh Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="264"/>
        <source>&amp;Acknowledge Alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="264"/>
        <source>Ctrl+K</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="265"/>
        <source>&amp;Snooze Alert for 1 Hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="265"/>
        <source>Ctrl+Shift+K</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="267"/>
        <source>Add &amp;Note to Timeline…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="267"/>
        <source>Ctrl+Shift+N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="269"/>
        <source>Au&amp;dit Log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="269"/>
        <source>Ctrl+Shift+L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="270"/>
        <source>&amp;Workers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="270"/>
        <source>Ctrl+Shift+W</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="272"/>
        <source>&amp;Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="272"/>
        <source>Ctrl+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="274"/>
        <source>Go to &amp;Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="274"/>
        <source>Ctrl+0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="275"/>
        <source>Go to A&amp;lerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="275"/>
        <source>Ctrl+9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="283"/>
        <source>&amp;War Room Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="286"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="287"/>
        <source>&amp;About Queuedeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="288"/>
        <source>About Queuedeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="289"/>
        <source>Queuedeck %1
Operations dashboard for job and message queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="306"/>
        <source>Queue charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="307"/>
        <source>Last 5 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="307"/>
        <source>Alt+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Alt+2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="309"/>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="309"/>
        <source>Alt+3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="310"/>
        <source>War room wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="311"/>
        <source>Leave the wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="311"/>
        <source>Esc, F11</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="312"/>
        <source>Previous / next connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="312"/>
        <source>Left, Right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="313"/>
        <source>Cycle connections on a timer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>Next / previous tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>Tab, Down / Shift+Tab, Up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="315"/>
        <source>Open the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="315"/>
        <source>Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="316"/>
        <source>Pin or unpin the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="365"/>
        <source>Language not changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="385"/>
        <source>Add a connection first: there are no workers to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="465"/>
        <source>%1: the password was not saved and will be asked for again after a restart: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="489"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="506"/>
        <source>%1: no password from the keyring: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>Alert Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>Add a connection first: rules belong to a connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="541"/>
        <source>Demo: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="542"/>
        <source>Demo script: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="564"/>
        <source>Demo (Delayed::Job)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="576"/>
        <source>Add Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="588"/>
        <source>Remove Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="588"/>
        <source>Stop monitoring &quot;%1&quot;?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="618"/>
        <source>%1 cleared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="639"/>
        <location filename="../app/gui/mainwindow.cpp" line="705"/>
        <source>Queuedeck — War Room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::MessageTemplate</name>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="42"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="46"/>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="50"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="50"/>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="53"/>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="53"/>
        <source>%1 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="115"/>
        <source>The subject of template &quot;%1&quot; must be one line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="118"/>
        <source>Template &quot;%1&quot; has no subject.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="133"/>
        <source>Template &quot;%1&quot; uses unknown placeholder(s) %2. Known: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="152"/>
        <source>Template &quot;%1&quot; must start with a &quot;Subject: …&quot; line, then a blank line, then the body.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="161"/>
        <source>In template &quot;%1&quot; the subject line must be followed by a blank line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="172"/>
        <source>Cannot read the template %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/messagetemplate.cpp" line="176"/>
        <source>The template %1 is larger than %2 KiB.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::MetricsServer</name>
    <message>
        <location filename="../core/team/metricsserver.cpp" line="44"/>
        <source>Cannot listen on %1:%2 for /metrics: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::NotifyDialog</name>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="60"/>
        <source>Tell Affected Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="63"/>
        <source>Jobs: %1 in %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="66"/>
        <source> matching &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="92"/>
        <source>/args/0/user_id, arg:0 or re:user=(\d+)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="93"/>
        <source>How a job names its user: a JSON pointer into the job (Delayed::Job YAML is read safely), an argument index, or a regular expression over the payload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="95"/>
        <source>User rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="98"/>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="99"/>
        <source>Only jobs that have waited at least this long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="100"/>
        <source>Waited at least</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="101"/>
        <source>&amp;Find Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="102"/>
        <source>User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="104"/>
        <source>waited ≥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="109"/>
        <source>Due between</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="110"/>
        <source>Only jobs due (else enqueued, else failed) in this window, e.g. while the workers were down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="119"/>
        <source>Window start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="120"/>
        <source>Window end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="125"/>
        <source>and</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="139"/>
        <source>Affected users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="154"/>
        <source>e.g. INC-2026-11-25-print</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="156"/>
        <source>Each user gets each template once per incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="158"/>
        <source>webhook:https://…, sql:postgresql://…?table=notifications, csv:/path/file.csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="160"/>
        <source>Your print job is delayed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="161"/>
        <source>Incident:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="162"/>
        <source>Template:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="163"/>
        <source>Channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="165"/>
        <source>optional: sqlite:///path/app.db or postgresql://user@host/db (read-only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="166"/>
        <source>Where {{name}} and {{email}} come from: the application&apos;s own database, opened read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="168"/>
        <source>Names from:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="169"/>
        <source>Lookup:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="170"/>
        <source>Subject:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="173"/>
        <source>Hello {{user}},

{{job_count}} of your jobs in {{queue}} have waited up to {{delay}} because of an incident on our side ({{incident}}). They will run shortly; you need not do anything.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="175"/>
        <source>Message body</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="185"/>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="196"/>
        <source>Sending progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="203"/>
        <source>Load Template…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="204"/>
        <source>Save Template…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="205"/>
        <source>&amp;Dry Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="206"/>
        <location filename="../widgets/notifydialog.cpp" line="455"/>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="207"/>
        <source>Stop Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="225"/>
        <location filename="../widgets/notifydialog.cpp" line="231"/>
        <source>Load Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="225"/>
        <source>Templates (*.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="238"/>
        <location filename="../widgets/notifydialog.cpp" line="242"/>
        <source>Save Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="239"/>
        <source>Templates (*.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="249"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="250"/>
        <source>Send &quot;%1&quot; to %n user(s) through %2? Users who already got this template for incident %3 are skipped.</source>
        <translation>
            <numerusform>Send &quot;%1&quot; to %n user through %2? Users who already got this template for incident %3 are skipped.</numerusform>
            <numerusform>Send &quot;%1&quot; to %n users through %2? Users who already got this template for incident %3 are skipped.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="295"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="329"/>
        <source>Names: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="334"/>
        <source>Names and e-mails found for %1 of %2 user(s) in %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="376"/>
        <source>Reading jobs… %1 so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="378"/>
        <source>Cannot list the jobs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="382"/>
        <source>%1 user(s) behind %2 job(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="385"/>
        <source>; the rule found no user in %1 job(s), e.g. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="401"/>
        <source>Reading jobs…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="408"/>
        <source>Name the incident: each user gets one message per incident and template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="411"/>
        <source>Name the template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="434"/>
        <source>Placeholders: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="440"/>
        <source>Subject %1 characters · body %2 characters (for %3) · placeholders: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="445"/>
        <source>To: %1
Subject: %2

%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="452"/>
        <source>Find the users first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="455"/>
        <source>&amp;Send to %Ln User(s)</source>
        <translation>
            <numerusform>&amp;Send to %Ln User</numerusform>
            <numerusform>&amp;Send to %Ln Users</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="456"/>
        <source>Sending needs the outbox and the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="480"/>
        <source>… and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="482"/>
        <source>Dry run: %Ln message(s) through %1, nothing sent:
</source>
        <translation>
            <numerusform>Dry run: %Ln message through %1, nothing sent:
</numerusform>
            <numerusform>Dry run: %Ln messages through %1, nothing sent:
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="486"/>
        <source>Dry run: %Ln user(s) would get a message; nothing was sent or written.</source>
        <translation>
            <numerusform>Dry run: %Ln user would get a message; nothing was sent or written.</numerusform>
            <numerusform>Dry run: %Ln users would get a message; nothing was sent or written.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="493"/>
        <source>Nothing to send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/notifydialog.cpp" line="506"/>
        <source>Writing %Ln message(s) to the outbox…</source>
        <translation>
            <numerusform>Writing %Ln message to the outbox…</numerusform>
            <numerusform>Writing %Ln messages to the outbox…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="511"/>
        <source>The outbox refused the messages: %1 — nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="520"/>
        <source>Sending… %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="526"/>
        <source>%1 new message(s) in the outbox, %2 already there for this incident and template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="541"/>
        <source>Stopping after the message in flight…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="549"/>
        <source>Sent %1 · already sent before %2 · failed %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="551"/>
        <source> · stopped: the rest stays in the outbox; Send again resumes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="554"/>
        <source> · the outbox failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/notifydialog.cpp" line="581"/>
        <source>notified affected users of %1 (incident %2): %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::OperatorActions</name>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="100"/>
        <source>Purge failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="101"/>
        <source>Purging %1 would delete %2 message(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="102"/>
        <source>Purged %1: %2 message(s) deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="127"/>
        <source>Move failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="129"/>
        <source>Would move %1 message(s) from %2 to %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="131"/>
        <source>Moved %1 message(s) from %2 to %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="134"/>
        <source>%1 still counted in %2 (new arrivals, or statistics that trail by a few seconds).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="166"/>
        <source>%1 not changed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="167"/>
        <source>Paused %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="167"/>
        <source>Resumed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="168"/>
        <source>%1 was already paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="169"/>
        <source>%1 was not paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="195"/>
        <source>%1 was not signalled: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="196"/>
        <source>Told %1 to take no new jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="197"/>
        <source>Told %1 to shut down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="220"/>
        <source>%1 was not resent: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="221"/>
        <source>Would resend %1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="222"/>
        <source>Replaced %1 with the edit and queued it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="223"/>
        <source>Resent %1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/actions/operatoractions.cpp" line="263"/>
        <source>notified the affected users of %1 (incident %2): %3 sent, %4 told before, %5 failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Outbox</name>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="69"/>
        <source>The outbox is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="238"/>
        <source>Cannot create the directory of the outbox %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="246"/>
        <source>Cannot open the outbox %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="265"/>
        <location filename="../core/recipients/outbox.cpp" line="275"/>
        <location filename="../core/recipients/outbox.cpp" line="280"/>
        <source>%1 is not a usable outbox: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="300"/>
        <location filename="../core/recipients/outbox.cpp" line="318"/>
        <location filename="../core/recipients/outbox.cpp" line="331"/>
        <source>Cannot write to the outbox: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="452"/>
        <source>Cannot mark %1 sent: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="470"/>
        <source>Cannot mark %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/outbox.cpp" line="486"/>
        <source>Cannot mark %1 skipped: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::OverviewPage</name>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="67"/>
        <source>Overview of all queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="68"/>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="151"/>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="154"/>
        <source> · today %1 processed, %2 failed</source>
        <extracomment>Sidekiq&apos;s per-day counters, since midnight UTC</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="158"/>
        <source>  ✖ no live worker: nothing is being processed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="226"/>
        <source> — tiles for the %1 worst; every queue is in the table</source>
        <extracomment>after the overview&apos;s summary when there are more queues than tiles</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="21"/>
        <source>in %1 · out %2 /min</source>
        <extracomment>jobs per minute arriving and leaving a queue</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="70"/>
        <source>dead letters from %1</source>
        <extracomment>under a tile&apos;s big number for a dead-letter queue: the queues its messages were rejected from</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="74"/>
        <source>waiting · paused</source>
        <extracomment>under a tile&apos;s big number (how many jobs wait), and when the backend holds the queue paused</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="75"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/tiledata.cpp" line="79"/>
        <source>consumers %1</source>
        <extracomment>on a queue tile: how many consumers (workers) serve the queue now</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="218"/>
        <source>No queues yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/overviewpage.cpp" line="219"/>
        <source>%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>%n queue: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
            <numerusform>%n queues: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::PageWalker</name>
    <message numerus="yes">
        <location filename="../core/jobs/pagewalker.cpp" line="30"/>
        <source>The listing did not advance past %1; stopped after %n job(s).</source>
        <translation>
            <numerusform>The listing did not advance past %1; stopped after %n job.</numerusform>
            <numerusform>The listing did not advance past %1; stopped after %n jobs.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/jobs/pagewalker.cpp" line="97"/>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::PostMortem</name>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="48"/>
        <source># Post-mortem: %1

</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="49"/>
        <source>Window: %1 to %2 UTC. Generated by Queuedeck from its history and incident timeline; numbers marked ≈ are lower bounds.

</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="52"/>
        <source>## Summary

_What happened and who was affected, in two sentences._

</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="53"/>
        <source>## Impact

</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="54"/>
        <source>| queue | peak waiting | at (UTC) | longest wait | jobs arrived in the window |
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="62"/>
        <source>
## Timeline (UTC)

| time | what |
|---|---|
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="64"/>
        <source>| — | nothing recorded in this window |
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="72"/>
        <source>Note: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="73"/>
        <source>Event: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="77"/>
        <source>
## Actions taken

</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="90"/>
        <source>- %1 — %2: %3 %4 — %5 done, %6 skipped (%7)%8
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="95"/>
        <source>: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/timeline/postmortem.cpp" line="99"/>
        <source>_None recorded. Operator actions and notes land here._
</source>
        <translation type="unfinished"></translation>
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
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueActionDialog</name>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="31"/>
        <source>Move All Messages — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="31"/>
        <source>Purge Queue — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="46"/>
        <source>Where they were dead-lettered from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="52"/>
        <source>Destination queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="56"/>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="58"/>
        <source>RabbitMQ moves them itself (a shovel that deletes itself when done); Queuedeck never holds the messages, so closing it or losing the network loses nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="67"/>
        <source>Type the queue&apos;s name to confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="68"/>
        <source>Queue name, typed to confirm the purge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="69"/>
        <source>&amp;Confirm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="76"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="84"/>
        <source>&amp;Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="84"/>
        <source>&amp;Purge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="89"/>
        <source>Counting the messages in %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="160"/>
        <source>Could not count the messages in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/queueactiondialog.cpp" line="169"/>
        <source>%n message(s) in %1 will move to %2.</source>
        <translation>
            <numerusform>%n message in %1 will move to %2.</numerusform>
            <numerusform>%n messages in %1 will move to %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/queueactiondialog.cpp" line="170"/>
        <source>%n message(s) in %1 will be deleted. This cannot be undone.</source>
        <translation>
            <numerusform>%n message in %1 will be deleted. This cannot be undone.</numerusform>
            <numerusform>%n messages in %1 will be deleted. This cannot be undone.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="202"/>
        <source>No sample of the messages: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="211"/>
        <source>(no type)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="213"/>
        <source>Blast radius: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="214"/>
        <source>Classes: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="215"/>
        <source>Users: unknown — no user rule for this connection yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="228"/>
        <source>This connection may not move messages (a read-only profile, or a user without the administrator or policymaker tag).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="230"/>
        <source>This connection may not purge queues (a read-only profile).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="233"/>
        <source>The audit log is unavailable, so this action is off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="235"/>
        <source>The queue is empty: nothing to do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="252"/>
        <source>Moving… RabbitMQ moves them server-side.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="252"/>
        <source>Purging…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queueactiondialog.cpp" line="276"/>
        <source>Moved %1 of %2 so far, in batches; each acknowledged at the source only once RabbitMQ confirmed it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueDetailView</name>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>24 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="173"/>
        <source>Alt+3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="178"/>
        <source>Show the last %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Depth by state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Oldest waiting job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="180"/>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="187"/>
        <source>&amp;Charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="188"/>
        <source>&amp;Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="362"/>
        <source>consumers of this queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="363"/>
        <source>workers on this connection %1 busy / %2 idle / %3 lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="365"/>
        <source>Waiting %1 · running %2 · scheduled %3 · failed %4 · oldest %5 · in %6 · out %7 · %8 · %9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="374"/>
        <source>Dead-letter queue: messages rejected from %1 land here. Nobody is expected to consume them; look at them, then move them back or drop them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="46"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="47"/>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="48"/>
        <source>scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="49"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="52"/>
        <source>in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="53"/>
        <source>out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="51"/>
        <source>oldest age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="50"/>
        <source>dead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="54"/>
        <source>busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="55"/>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="56"/>
        <source>lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="190"/>
        <location filename="../widgets/charts/queuedetailview.cpp" line="211"/>
        <source>Queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="356"/>
        <source>This queue has no jobs and was not seen in the last poll.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="357"/>
        <source>Waiting for the first poll…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="379"/>
        <source>Paused on the backend: workers take no jobs from this queue until it is resumed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="382"/>
        <source>dead %1 · completed and kept %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="386"/>
        <source>≈ Rates are lower bounds: jobs that arrive and finish between two polls are not seen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="389"/>
        <source>Workers are not visible on this backend (Celery reports them only through its events).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="391"/>
        <source>Idle workers are invisible on this backend: only workers holding a job are counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="402"/>
        <source>Last poll failed: %1 — showing the last known data.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueOverviewModel</name>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="184"/>
        <source>%1 (paused)</source>
        <extracomment>a queue&apos;s waiting count while the queue is paused on the backend</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="188"/>
        <source>%1 (%2 stuck)</source>
        <extracomment>running jobs, of which some are held by a lost worker (stalled)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="208"/>
        <source>Last poll failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="211"/>
        <source>Consumers (workers) serving this queue now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="212"/>
        <source>This backend does not tell which workers serve this queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="215"/>
        <source>%1 — dead-letter queue: messages rejected from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="220"/>
        <source>%1 — paused: workers take no jobs from it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="258"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="259"/>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="260"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="261"/>
        <source>Trend</source>
        <comment>recent waiting depths as a small line chart</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="262"/>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="263"/>
        <source>Consumers</source>
        <comment>workers or consumers serving a queue</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="264"/>
        <source>Scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="265"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="266"/>
        <source>Oldest</source>
        <comment>age of the oldest waiting job</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="267"/>
        <source>In/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="268"/>
        <source>Out/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="269"/>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueStatus</name>
    <message>
        <location filename="../models/queuestatus.cpp" line="55"/>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="56"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="57"/>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="58"/>
        <source>Unknown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueTile</name>
    <message>
        <location filename="../widgets/queuetile.cpp" line="35"/>
        <source>Queue %1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="37"/>
        <source>%1: %2 waiting, oldest %3, failed %4, %5</source>
        <extracomment>screen-reader summary of a queue tile: status, waiting count, oldest age, failed count, freshness</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="40"/>
        <source>Last poll failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="113"/>
        <source>oldest %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="113"/>
        <source>failed %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::RecipientCollector</name>
    <message>
        <location filename="../core/recipients/recipientcollector.cpp" line="54"/>
        <source>The connection is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/recipientcollector.cpp" line="96"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::RecipientModel</name>
    <message>
        <location filename="../models/recipientmodel.cpp" line="15"/>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="16"/>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="17"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="18"/>
        <source>skipped (already sent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="113"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="114"/>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="115"/>
        <source>Longest wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="116"/>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="117"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/recipientmodel.cpp" line="118"/>
        <source>Jobs (sample)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ResendDialog</name>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="58"/>
        <source>(too long to compare line by line: %1 and %2 lines)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="94"/>
        <source>Edit and Resend — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="98"/>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="103"/>
        <source>Edited payload (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="108"/>
        <source>Changes against the original</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="116"/>
        <source>Resend as a &amp;new job (the original stays where it is)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="117"/>
        <source>Replace the original with the edit and &amp;retry it (same id)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="122"/>
        <source>The %1 backend can only resend in place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="131"/>
        <source>Re&amp;send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="141"/>
        <source>The audit log could not be opened: nothing is resent without it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="145"/>
        <source>Cannot load %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="148"/>
        <source>%1 — %2, %3. Edit the job below; the right side shows what changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="191"/>
        <source>Not valid JSON at line %1, column %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="196"/>
        <source>✔ Valid: ready to resend.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="197"/>
        <source>(no changes yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/resenddialog.cpp" line="237"/>
        <source>Resending…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Sender</name>
    <message>
        <location filename="../core/recipients/sender.cpp" line="175"/>
        <source>The outbox does not keep the password of %1: give the channel again to send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/sender.cpp" line="260"/>
        <source>already delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/recipients/sender.cpp" line="272"/>
        <source>%1 after %n attempt(s)</source>
        <translation>
            <numerusform>%1 after %n attempt</numerusform>
            <numerusform>%1 after %n attempts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::SettingsDialog</name>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="20"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="29"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="31"/>
        <source>How often every connection is asked for its numbers. Each poll is a few cheap reads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="32"/>
        <source>&amp;Poll every:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="36"/>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="38"/>
        <source>Every poll&apos;s numbers are kept this long; older history is kept per minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="39"/>
        <source>Keep every &amp;sample for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="42"/>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="44"/>
        <source>Minute averages, minima and maxima for longer charts and post-mortems.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="45"/>
        <source>Keep &amp;minute history for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="49"/>
        <source>Named in the audit log and on the incident timeline for every action you take.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="50"/>
        <source>&amp;Operator name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="57"/>
        <source>&amp;Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="60"/>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="65"/>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="102"/>
        <source>An operator name is needed: the audit log records who did what.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/settingsdialog.cpp" line="104"/>
        <source>Minute history must be kept at least as long as every sample.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ShortcutsOverlay</name>
    <message>
        <location filename="../widgets/shortcutsoverlay.cpp" line="45"/>
        <location filename="../widgets/shortcutsoverlay.cpp" line="55"/>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/shortcutsoverlay.cpp" line="64"/>
        <source>Esc or F1 closes this. Every window&apos;s menus show their shortcuts too.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::SparklineWidget</name>
    <message>
        <location filename="../widgets/sparkline.cpp" line="22"/>
        <source>Waiting jobs over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/sparkline.cpp" line="26"/>
        <source>from %L1 to %L2 (lowest %L3, highest %L4)</source>
        <extracomment>screen-reader description of a sparkline: first, last, lowest and highest waiting count</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::StatusStrip</name>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="36"/>
        <source>Connection status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="46"/>
        <source>%1: connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="48"/>
        <source>✖ %1: unreachable — %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="52"/>
        <source>● %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="55"/>
        <source>No connections</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamConfig</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="171"/>
        <source>not valid YAML: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="179"/>
        <source>cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="183"/>
        <source>%1 is larger than 1 MiB: not a configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="186"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamConnection</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="152"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="159"/>
        <source>%1: the environment variable %2 is not set</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamDatabase</name>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="194"/>
        <source>expected postgresql://user@host:5432/dbname</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamconfig.cpp" line="198"/>
        <source>the database URL holds a password; use database_password_file or $PGPASSWORD instead</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamMirrorBackend</name>
    <message>
        <location filename="../core/team/teammirror.cpp" line="133"/>
        <source>The URL names no connection of the team server: add ?connection=NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="137"/>
        <source>The team database %1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teammirror.cpp" line="155"/>
        <source>No team server has polled %1 since %2 (every %3 s before): these numbers are not current.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamServer</name>
    <message>
        <location filename="../core/team/teamserver.cpp" line="54"/>
        <source>database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="66"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="75"/>
        <source>database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="109"/>
        <source>the database does not answer; polling stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="125"/>
        <source>holds the lead: polling every %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/team/teamserver.cpp" line="128"/>
        <source>another server leads; waiting</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TeamStore</name>
    <message>
        <location filename="../core/team/teamstore.cpp" line="155"/>
        <source>the database has schema version %1, newer than this Queuedeck (%2): upgrade queuedeckctl</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Theme</name>
    <message>
        <location filename="../widgets/theme.cpp" line="109"/>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/theme.cpp" line="110"/>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/theme.cpp" line="111"/>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TimeSeriesChart</name>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="422"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="425"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="427"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="430"/>
        <source>jobs/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="432"/>
        <source>jobs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TimelineActions</name>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="76"/>
        <source>Add Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="77"/>
        <source>Note for the %1 timeline (what you did or saw):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="81"/>
        <source>Note added to the timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="111"/>
        <location filename="../app/gui/timelineactions.cpp" line="115"/>
        <location filename="../app/gui/timelineactions.cpp" line="126"/>
        <source>Export Post-mortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="111"/>
        <source>There is no connection with history to report on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="115"/>
        <source>post-mortem-%1.md</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="116"/>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="126"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/timelineactions.cpp" line="129"/>
        <source>Post-mortem written to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::UserRule</name>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="73"/>
        <source>The payload is nested deeper than %1 levels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="77"/>
        <location filename="../core/recipients/userrule.cpp" line="100"/>
        <source>The payload expands to more than %1 values (a YAML alias bomb?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="132"/>
        <source>The payload is %1 bytes; YAML handlers over %2 bytes are not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="144"/>
        <source>The payload is neither JSON nor readable YAML: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="147"/>
        <source>The payload could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="181"/>
        <source>The payload is not valid JSON at offset %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="190"/>
        <source>A JSON pointer starts with &quot;/&quot;, e.g. /args/0/user_id (got &quot;%1&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="208"/>
        <source>In the JSON pointer &quot;%1&quot;, &quot;~&quot; must be written ~0 (and &quot;/&quot; inside a key ~1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="292"/>
        <source>The user rule is empty. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="300"/>
        <source>&quot;%1&quot;: arg: takes the argument&apos;s position from 0, e.g. arg:0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="308"/>
        <source>&quot;re:&quot; needs a regular expression, e.g. re:user_id=(\d+).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="312"/>
        <source>The regular expression &quot;%1&quot; is invalid at offset %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/recipients/userrule.cpp" line="322"/>
        <source>&quot;%1&quot; is not a user rule. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WallTile</name>
    <message>
        <location filename="../widgets/walltile.cpp" line="143"/>
        <source>%1 · pinned</source>
        <extracomment>war-room tile: connection name, with a note when the operator pinned the queue to the wall</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="147"/>
        <source>oldest %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="149"/>
        <source>failed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="150"/>
        <source>failed %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="152"/>
        <source>STALE %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="174"/>
        <source>Queue %1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="175"/>
        <source>%1: %2 waiting, oldest %3, failed %4, %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/walltile.cpp" line="177"/>
        <source>Last poll failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WallView</name>
    <message>
        <location filename="../widgets/wallview.cpp" line="46"/>
        <source>War room wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="61"/>
        <source>Clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="91"/>
        <source>Alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="92"/>
        <source>Timeline entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="219"/>
        <source>All connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="220"/>
        <source>War room · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="230"/>
        <source>No queues yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/wallview.cpp" line="231"/>
        <source>%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>%n queue: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
            <numerusform>%n queues: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="243"/>
        <source>Esc leave · ←/→ connection · C stop cycling (every %1 s) · Tab next tile · Enter open · P pin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="245"/>
        <source>Esc leave · ←/→ connection · C cycle connections · Tab next tile · Enter open · P pin</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/wallview.cpp" line="322"/>
        <source>+%n more queue(s) not shown: %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation>
            <numerusform>+%n more queue not shown: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
            <numerusform>+%n more queues not shown: %1 critical, %2 warning, %3 unknown, %4 ok</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="336"/>
        <source>%1 · %2 UTC</source>
        <extracomment>war-room clock: local date, then the time in UTC (incident rooms span time zones)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="343"/>
        <source>No active alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="343"/>
        <source>Active alerts (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="351"/>
        <source> (acknowledged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="358"/>
        <source>%1  %2 · %3 · since %4%5</source>
        <extracomment>war-room alert line: state word, connection, message, since when, acknowledged marker</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="366"/>
        <source>Active alerts (%1, worst %2 shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="372"/>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/wallview.cpp" line="372"/>
        <source>Timeline unavailable</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WebhookNotifier</name>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="36"/>
        <source>enter the webhook&apos;s full URL, e.g. https://hooks.slack.com/services/…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="39"/>
        <source>a webhook URL starts with https:// (or http:// on a local network)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="79"/>
        <source>%1 %2 resolved: %3 (was %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/alerts/webhooknotifier.cpp" line="81"/>
        <source>%1 %2 %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/alerts/webhooknotifier.cpp" line="157"/>
        <source>%1 after %n attempt(s)</source>
        <translation>
            <numerusform>%1 after %n attempt</numerusform>
            <numerusform>%1 after %n attempts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::WelcomePage</name>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="45"/>
        <source>Welcome to Queuedeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="46"/>
        <source>Live depth, age of the oldest job and worker status for your job queues.
Try the demo: a simulated Delayed::Job fleet whose workers die a minute in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="48"/>
        <source>Open the &amp;demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="49"/>
        <source>&amp;Add connection…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WorkerTableModel</name>
    <message>
        <location filename="../models/workertablemodel.cpp" line="43"/>
        <source>busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="44"/>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="46"/>
        <source>lost</source>
        <extracomment>a worker whose heartbeat stopped: it died or lost its connection</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="134"/>
        <source>No heartbeat for %1: the process died or lost Redis. It cannot hear a quiet or stop signal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="138"/>
        <source>Takes no new jobs: it finishes what it holds and waits to be stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="164"/>
        <source>quiet</source>
        <extracomment>a worker that was told to take no new jobs</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="164"/>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="180"/>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="181"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="182"/>
        <source>Quiet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="184"/>
        <source>Last seen</source>
        <extracomment>time since the worker&apos;s last heartbeat</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="185"/>
        <source>Queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/workertablemodel.cpp" line="186"/>
        <source>Current job</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WorkersDialog</name>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="85"/>
        <source>Workers — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="86"/>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="87"/>
        <source>&amp;Quiet…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="88"/>
        <source>&amp;Stop…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="89"/>
        <source>&amp;Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="134"/>
        <source>No successful poll yet: the workers are unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="136"/>
        <source>This backend cannot see its workers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="138"/>
        <source>no worker is registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="140"/>
        <source>only busy workers are visible on this backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="154"/>
        <source>The connection was removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="158"/>
        <source>The audit log could not be opened: no action is taken without it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="160"/>
        <source>Select a worker first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="162"/>
        <source>This worker is lost: nothing is listening for signals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="168"/>
        <source>Finish the jobs it holds and take no new ones; the process stays up until it is stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="169"/>
        <source>Shut the worker down cleanly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="177"/>
        <source>Quiet %1? It finishes the jobs it holds and takes no new ones until it is restarted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="178"/>
        <source>Stop %1? It shuts down cleanly; jobs it cannot finish in time go back to their queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="179"/>
        <source>Quiet Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="179"/>
        <source>Stop Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/workersdialog.cpp" line="192"/>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WorstAlertLabel</name>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="32"/>
        <source>No active alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="41"/>
        <source>%1 %2 · %3</source>
        <extracomment>status bar: the worst active alert — state, connection, message; then how many more there are</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/worstalertlabel.cpp" line="43"/>
        <source> (+%1 more)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::amqp::Client</name>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="62"/>
        <source>The AMQP connection was already opened once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="108"/>
        <source>The AMQP server at %1:%2 does not offer PLAIN login (it offers: %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="179"/>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="257"/>
        <source>The AMQP channel is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="332"/>
        <source>The server at %1:%2 speaks another AMQP version than 0-9-1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="336"/>
        <source>%1:%2 is an HTTP port, not RabbitMQ&apos;s AMQP port: set amqp_port= in the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="348"/>
        <source>The AMQP server sent a frame of %1 bytes, over the agreed maximum of %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="357"/>
        <source>The AMQP stream is corrupt (a frame does not end where its length says).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="378"/>
        <source>The AMQP server sent an unknown frame type %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="385"/>
        <source>The AMQP server sent a truncated method frame.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="394"/>
        <source>The AMQP server sent a method in the middle of a message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="401"/>
        <source>RabbitMQ refused the login of user &quot;%1&quot; on vhost &quot;%2&quot;: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="403"/>
        <source>RabbitMQ closed the AMQP connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="409"/>
        <source>RabbitMQ closed the AMQP channel: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="450"/>
        <source>The AMQP server sent an unexpected method %1.%2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="457"/>
        <source>The AMQP server sent a malformed method %1.%2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="476"/>
        <source>The AMQP server sent message content out of order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="487"/>
        <source>The AMQP server sent message properties this client cannot read faithfully.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="498"/>
        <source>The AMQP server sent more body than the message header announced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="519"/>
        <source>Cannot reach RabbitMQ&apos;s AMQP port at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="521"/>
        <source>%1 closed the connection without an AMQP greeting: is it RabbitMQ&apos;s AMQP port? Set amqp_port= in the URL (default 5672). %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="525"/>
        <source>RabbitMQ at %1 closed the AMQP connection during login (wrong user or password, or no access to vhost &quot;%2&quot;?): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="529"/>
        <source>The AMQP connection to %1 was lost: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="549"/>
        <source>RabbitMQ did not answer over AMQP within %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpclient.cpp" line="551"/>
        <source>RabbitMQ sent no AMQP heartbeat for %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::bullmq::BullMqBackend</name>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="166"/>
        <source>Queue discovery is off (discovery=off) and no queue is named (queues=a,b): there is nothing to watch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="187"/>
        <source>CLIENT LIST was refused (%1): BullMQ workers are unknown. Grant the user +client|list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="195"/>
        <source>The BullMQ state script failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="231"/>
        <source>Queue %1 has only prioritized jobs waiting: their age is not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="235"/>
        <source>Queue %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="244"/>
        <source>an unnamed worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqbackend.cpp" line="268"/>
        <source>unnamed worker at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="333"/>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="518"/>
        <source>BullMQ keeps no dead set: jobs that used up their attempts are in failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="337"/>
        <source>Name a queue to list its BullMQ jobs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="358"/>
        <source>BullMQ jobs could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="390"/>
        <source>&quot;%1&quot; is not a BullMQ job id (&lt;queue&gt;:&lt;job id&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="404"/>
        <source>The BullMQ job could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="406"/>
        <source>Job %1 no longer exists in queue %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="412"/>
        <source>Job %1 of queue %2 has data but is in none of BullMQ&apos;s states.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="463"/>
        <source>This connection is read-only (readonly=1): queues cannot be paused from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="480"/>
        <source>No connection to Redis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="487"/>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="489"/>
        <source>Nothing was changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="505"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="514"/>
        <source>BullMQ jobs cannot be moved to another queue: a job&apos;s data lives under its queue&apos;s keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="516"/>
        <source>Active BullMQ jobs cannot be retried or cancelled from here: a worker holds them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="521"/>
        <source>Waiting BullMQ jobs are already queued: only delayed, failed and completed jobs can be retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="542"/>
        <source>job %1 has no data any more (its hash is gone); it was left where it is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="543"/>
        <source>job %1 is locked by a worker; it was left alone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="544"/>
        <source>job %1 is part of a flow (parent or children); remove it with BullMQ&apos;s own API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/bullmq/bullmqjobs.cpp" line="545"/>
        <source>job %1 is the next run of a job scheduler; remove the scheduler instead</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::celery::CeleryBackend</name>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="210"/>
        <source>The Celery queue script failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="211"/>
        <source>unexpected reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="231"/>
        <source>Queue %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celerybackend.cpp" line="283"/>
        <source>Too many prefetched (unacked) messages to count per queue within scan_budget_ms: running and scheduled counts are unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="176"/>
        <source>task %1 was not reached: it is not among the oldest %L2 waiting messages of its queue (scan_limit), so it may still be there and nothing was changed. Add scan_limit=N to the URL to look further.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="284"/>
        <source>Name a queue to list its Celery messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="287"/>
        <source>Celery on Redis keeps no failed or dead tasks: a failure exists only as a result (celery-task-meta-&lt;id&gt;) when a result backend is configured, without the task&apos;s arguments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="312"/>
        <source>Celery messages could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="333"/>
        <source>Prefetched by a worker (kombu&apos;s unacked hash): these cannot be deleted here; use `celery control revoke`.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="350"/>
        <source>&quot;%1&quot; is not a Celery job id (&lt;queue&gt;:&lt;task id&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="369"/>
        <source>Task %1 is no longer in queue %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="393"/>
        <source>This connection is read-only (readonly=1): no message was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="397"/>
        <source>Celery on Redis keeps no failed tasks to retry or move: a task&apos;s message is gone once a worker acknowledged it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/celery/celeryjobs.cpp" line="400"/>
        <source>Only waiting Celery messages can be deleted: a worker holds the prefetched ones (revoke them with `celery control revoke`).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::delayedjob::DelayedJobBackend</name>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="87"/>
        <source>SQLite database %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="90"/>
        <source>SQLite database %1 is not a readable file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="108"/>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="116"/>
        <source>Cannot set the session time zone on %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="148"/>
        <source>Cannot open %1 for writing: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="193"/>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="335"/>
        <source>This connection is read-only (readonly=1): actions are refused.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::demo::DemoSimulator</name>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="85"/>
        <source>Cannot create the demo directory %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="103"/>
        <source>Cannot create the demo database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::demo::IncidentScript</name>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="33"/>
        <source>Poison job: a PrintJob (user 1013, card 66666) fails on every attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="35"/>
        <source>New job class CoverageReportJob lands on a new queue &quot;reports&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="37"/>
        <source>All workers died (OS upgrade); the backlog grows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="39"/>
        <source>Workers restarted; draining the backlog</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demoincidents.cpp" line="41"/>
        <source>Backlog drained; the extra workers stop</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::http::Client</name>
    <message>
        <location filename="../core/backends/rabbitmq/httpclient.cpp" line="117"/>
        <source>The answer from %1 is larger than %2 MiB; it was cut off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/httpclient.cpp" line="128"/>
        <source>%1 did not answer in full within %2 s; the request was abandoned.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::rabbitmq::AmqpMove</name>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="32"/>
        <source>The move was interrupted (the connection was closed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="177"/>
        <source>%n message(s) over the size limit (the largest %1 MiB, the limit %2 MiB: raise max_body_mb= to move them)</source>
        <translation>
            <numerusform>%n message over the size limit (the largest %1 MiB, the limit %2 MiB: raise max_body_mb= to move them)</numerusform>
            <numerusform>%n messages over the size limit (the largest %1 MiB, the limit %2 MiB: raise max_body_mb= to move them)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="184"/>
        <source>%n message(s) without an x-death header (name a queue to move them to)</source>
        <translation>
            <numerusform>%n message without an x-death header (name a queue to move them to)</numerusform>
            <numerusform>%n messages without an x-death header (name a queue to move them to)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="187"/>
        <source>%n message(s) that were dead-lettered from this very queue</source>
        <translation>
            <numerusform>%n message that were dead-lettered from this very queue</numerusform>
            <numerusform>%n messages that were dead-lettered from this very queue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="190"/>
        <source>%n message(s) whose user-id property names another user than %1 (RabbitMQ lets only that user publish them)</source>
        <translation>
            <numerusform>%n message whose user-id property names another user than %1 (RabbitMQ lets only that user publish them)</numerusform>
            <numerusform>%n messages whose user-id property names another user than %1 (RabbitMQ lets only that user publish them)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="196"/>
        <source>%n message(s) RabbitMQ could not route (%1)</source>
        <translation>
            <numerusform>%n message RabbitMQ could not route (%1)</numerusform>
            <numerusform>%n messages RabbitMQ could not route (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="199"/>
        <source>%n message(s) whose publish RabbitMQ refused (nack)</source>
        <translation>
            <numerusform>%n message whose publish RabbitMQ refused (nack)</numerusform>
            <numerusform>%n messages whose publish RabbitMQ refused (nack)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="202"/>
        <source>%n message(s) the edit could not be applied to (%1)</source>
        <translation>
            <numerusform>%n message the edit could not be applied to (%1)</numerusform>
            <numerusform>%n messages the edit could not be applied to (%1)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="293"/>
        <source>%1 — %2 message(s) had been moved. RabbitMQ put the ones got but not yet acknowledged back into %3: nothing is lost, but up to one batch (%4) may now be in both queues. Run the move again to finish it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/amqpmove.cpp" line="311"/>
        <source>%1 message(s) stayed in %2, unchanged: %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::rabbitmq::RabbitMqBackend</name>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="289"/>
        <source>RabbitMQ has no %1 messages to list: a queue holds ready messages (peeked here) and unacknowledged ones a consumer holds, which the API cannot show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="296"/>
        <source>Name a queue to peek at.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="339"/>
        <source>%1 is a quorum queue: every peek counts as a delivery, and its delivery limit would dead-letter or drop a message peeked too often. Add peek_quorum=1 to the URL to peek anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="355"/>
        <source>Peeked without losing anything: RabbitMQ requeued these messages, marks them redelivered and may reorder them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="353"/>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="414"/>
        <source>Message %1 is not among the last peeked; peek again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="38"/>
        <source>This connection is read-only (readonly=1): nothing was moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="119"/>
        <source>The move did not finish within 10 minutes; shovel %1 is still at work.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="175"/>
        <source>RabbitMQ refused the move: are the rabbitmq_shovel and rabbitmq_shovel_management plugins enabled? (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="202"/>
        <source>%1 is empty: nothing to move.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="203"/>
        <source>The messages in %1 carry no x-first-death-queue header: name the queue to move them to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="215"/>
        <source>RabbitMQ has no paused state for a queue: its consumers would have to be cancelled and re-created, which Queuedeck does not do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="225"/>
        <source>This connection is read-only (readonly=1): nothing was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="308"/>
        <source>This connection is read-only (readonly=1): no message can be resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="313"/>
        <source>Not valid JSON: %1 (at character %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="317"/>
        <source>An edited message is {&quot;headers&quot;: {…}, &quot;body&quot;: …}: the body as text or JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="321"/>
        <source>&quot;body&quot; must be text (a JSON string) or a JSON object or array.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="326"/>
        <source>Header %1: RabbitMQ&apos;s own x-… headers (x-death and the like) travel unchanged and cannot be edited.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="347"/>
        <source>RabbitMQ cannot send an edited copy and keep the original in the queue: resend it in place (the edit replaces it).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="354"/>
        <source>Message %1 cannot be edited: it has no message id, or its body is binary or was only partly peeked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="404"/>
        <source>Message %1 is no longer in the queue (retried, moved or taken by someone else): nothing was resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="426"/>
        <source>This connection is read-only (readonly=1): no message was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="350"/>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="428"/>
        <source>RabbitMQ messages can be acted on while they are ready in a queue (state waiting) only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="430"/>
        <source>Name the queue the messages are in (--queue).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="432"/>
        <source>Name the queue to move the messages to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqactions.cpp" line="446"/>
        <source>These messages have no message id, so they cannot be picked out of the queue; move or purge the whole queue instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="74"/>
        <source>The RabbitMQ management API at %1 answered, but: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="77"/>
        <source>Cannot reach the RabbitMQ management API at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="80"/>
        <source>RabbitMQ at %1 refused the credentials of user &quot;%2&quot; (401).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="83"/>
        <source>User &quot;%1&quot; may not read this from RabbitMQ at %2 (403): give it the monitoring tag and access to the vhost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="88"/>
        <source>RabbitMQ at %1 answered 404: the vhost does not exist, or this is not the management API.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="90"/>
        <source>The RabbitMQ management API at %1 answered %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="459"/>
        <source>The connection was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="474"/>
        <source>a JSON object where the list of queues belongs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="475"/>
        <source>not a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="476"/>
        <source>The RabbitMQ management API at %1 did not answer a JSON list (%2): is this the management port?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="557"/>
        <source>Queue %1 is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="575"/>
        <source>Queue %1 redelivers %2 messages a minute: a consumer may be failing on the same message again and again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="582"/>
        <source>Queue %1: %Ln message(s) ready and no consumer.</source>
        <translation>
            <numerusform>Queue %1: %Ln message ready and no consumer.</numerusform>
            <numerusform>Queue %1: %Ln messages ready and no consumer.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="589"/>
        <source>More than %1 dead-letter exchanges: the queues bound to %2 are not marked as dead-letter queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="595"/>
        <source>Per-queue statistics were not available: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="602"/>
        <source>Node %1 is down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="605"/>
        <source>Node %1 has a memory alarm: publishers are blocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rabbitmq/rabbitmqbackend.cpp" line="608"/>
        <source>Node %1 has a disk alarm: publishers are blocked.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::redis::Connection</name>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="117"/>
        <source>The connection to Redis was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="148"/>
        <source>%1 (retrying in %2 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="168"/>
        <source>Redis at %1 closed the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="231"/>
        <source>Redis at %1 refused the credentials: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="233"/>
        <source>Redis at %1 requires a password (%2). Give it in the URL (redis://user:password@host) or in REDISCLI_AUTH.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="239"/>
        <source>Redis at %1 refused the connection setup: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="292"/>
        <source>Redis at %1 sent a reply nobody asked for; the connection is dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="361"/>
        <source>Cannot reach Redis at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="367"/>
        <source>Redis at %1 did not accept the connection within %2 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="372"/>
        <source>Redis at %1 did not answer in full within %2 s; the connection is dropped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::redis::KeyDiscovery</name>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="104"/>
        <source>Redis refused the queue discovery script: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="109"/>
        <source>The queue discovery script answered something unexpected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="186"/>
        <source>unexpected reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/keydiscovery.cpp" line="205"/>
        <source>Queue discovery covered about %1 % of the keyspace in %2 s; the rest follows in the next polls.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::redis::Options</name>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="56"/>
        <source>max_reply_mb must be a number of MiB between 1 and 4096, got &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisconnection.cpp" line="63"/>
        <source>The TLS CA file %1 (tls_ca) does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::redis::RedisBackend</name>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="92"/>
        <source>The server does not answer like Redis: %1 returned &quot;%2&quot; where a list belongs. Its numbers cannot be trusted, so none are shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="162"/>
        <source>No connection to Redis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="170"/>
        <source>The worker was not signalled: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="196"/>
        <source>%1 — nothing is known to have changed; check the job list before trying again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/redisbackend.cpp" line="207"/>
        <source>Redis refused the action: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::redis::RespReader</name>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="174"/>
        <source>Out of memory creating the Redis reply parser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="205"/>
        <source>Out of memory buffering a Redis reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="225"/>
        <source>A reply from Redis has more than %L1 elements, the limit; the connection is dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="241"/>
        <source>Redis sent a reply Queuedeck cannot parse (%1); the connection is dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/redis/respreader.cpp" line="235"/>
        <source>A reply from Redis is larger than the %L1 MiB limit; the connection is dropped. Raise it with the max_reply_mb URL option if this is expected.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::rq::RqBackend</name>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="119"/>
        <source>RQ keys are not what RQ writes: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="153"/>
        <source>The RQ queue script failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="187"/>
        <source>The oldest job in queue %1 has no enqueued_at time: its age is unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqbackend.cpp" line="192"/>
        <source>Queue %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="392"/>
        <source>Name a queue to list its RQ jobs: RQ keeps its registries per queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="395"/>
        <source>RQ has no dead jobs: a failed job stays in the failed registry until it expires there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="439"/>
        <source>RQ jobs could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="453"/>
        <source>Scheduled RQ jobs come first, soonest first; then the jobs deferred until the jobs they depend on finish (no run time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="482"/>
        <source>RQ job %1 does not exist (any more).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="520"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="524"/>
        <source>RQ jobs cannot be moved to another queue from here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="526"/>
        <source>RQ has no dead jobs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="528"/>
        <source>Finished RQ jobs are only listed: RQ keeps them for their result, not to run again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="531"/>
        <location filename="../core/backends/rq/rqjobs.cpp" line="534"/>
        <source>Only failed and scheduled RQ jobs can be retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="532"/>
        <source>Running RQ jobs cannot be cancelled here: only the worker running a job can stop it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqjobs.cpp" line="560"/>
        <source>job %1 is deferred: RQ enqueues it when the jobs it depends on have finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="19"/>
        <source>RQ workers cannot be quieted: RQ has no command that makes a worker take no new jobs and stay up. Stop it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="22"/>
        <source>This connection is read-only (readonly=1): workers cannot be signalled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/rq/rqworkers.cpp" line="37"/>
        <source>No RQ worker %1 is listening: it stopped, the name is wrong, or it is older than RQ 1.6.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::sidekiq::SetWalk</name>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="150"/>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="171"/>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="209"/>
        <source>unexpected reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="243"/>
        <source>The %1 set is not a sorted set: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="244"/>
        <source>Could not read the %1 set: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="249"/>
        <source>The %1 set holds %L2 jobs, more than breakdown_limit (%L3): its per-queue counts are unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="257"/>
        <source>The %1 set (%L2 jobs) is still being read in short steps: its per-queue counts are unknown until the next poll.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqsets.cpp" line="264"/>
        <source>The %1 set is still being read in short steps: its per-queue counts are from %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::sidekiq::SidekiqBackend</name>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="123"/>
        <source>Sidekiq keys are not what Sidekiq writes: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="278"/>
        <source>Queue %1 could not be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqbackend.cpp" line="295"/>
        <source>The oldest job in queue %1 has no enqueued_at time: its age is unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="294"/>
        <source>A Sidekiq job is a JSON object ({&quot;class&quot;: …, &quot;args&quot;: […], &quot;queue&quot;: …}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="297"/>
        <source>&quot;class&quot; must name the job class, as a string.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="300"/>
        <source>&quot;args&quot; must be an array (Sidekiq passes it to perform).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="303"/>
        <source>&quot;queue&quot; must name a queue (letters, digits, _ . : -).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="393"/>
        <source>Sidekiq keeps no completed jobs: a job that succeeds is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="400"/>
        <source>Name a queue to list its waiting jobs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="416"/>
        <source>Sidekiq jobs could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="442"/>
        <source>&quot;%1&quot; is not a Sidekiq job id (queue:&lt;queue&gt;:&lt;jid&gt;, retry|schedule|dead:&lt;score&gt;:&lt;jid&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="475"/>
        <source>Job %1 is no longer %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqclasses.cpp" line="67"/>
        <source>The queue could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="504"/>
        <source>This connection is read-only (readonly=1): no job was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="516"/>
        <source>Only waiting Sidekiq jobs can be moved to another queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="517"/>
        <source>&quot;%1&quot; is not a queue name to move jobs to (letters, digits, _ . : -).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="521"/>
        <source>Only scheduled, failed (retry set) and dead Sidekiq jobs can be retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="522"/>
        <source>Running Sidekiq jobs cannot be cancelled: Sidekiq has no way to stop a job.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="549"/>
        <source>job %1 was not reached: it is not among the oldest %L2 waiting jobs of its queue (scan_limit), so nothing was changed — it was not taken by anyone. Add scan_limit=N to the URL to look further.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="554"/>
        <source>job %1 has no &quot;queue&quot; field where Sidekiq writes it; it was left where it is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="562"/>
        <source>This connection is read-only (readonly=1): no job can be resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="567"/>
        <source>Not valid JSON: %1 (at character %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="582"/>
        <source>Job %1 is not a %2 job: it was not resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="586"/>
        <source>Only failed (retry set), dead and scheduled Sidekiq jobs can be edited and resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="624"/>
        <source>Nothing was resent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="626"/>
        <source>Job %1 is no longer where you saw it (retried, deleted or run meanwhile): nothing was resent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="30"/>
        <source>This connection is read-only (readonly=1): workers cannot be signalled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqjobs.cpp" line="617"/>
        <source>No connection to Redis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="44"/>
        <source>No Sidekiq process %1 is registered: it stopped, or the name is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/sidekiq/sidekiqworkers.cpp" line="45"/>
        <source>Sidekiq process %1 has not sent a heartbeat for a minute: it is gone and cannot hear a signal.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
