# fish completion for megash. Generated from megash's command table by `megash completions fish`.
complete -c megash -f
function __megash_operands_before
    set -l n 0
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; or set n (math $n + 1)
    end
    echo $n
end

complete -c megash -n __fish_use_subcommand -a attr -d 'List, set or delete node attributes'
complete -c megash -n __fish_use_subcommand -a backup -d 'Set up, list, abort or remove scheduled backups of local folders'
complete -c megash -n __fish_use_subcommand -a cancel -d 'Start cancelling the account (MEGA mails a confirmation link)'
complete -c megash -n __fish_use_subcommand -a cat -d 'Print remote files'
complete -c megash -n __fish_use_subcommand -a cd -d 'Change the current remote folder'
complete -c megash -n __fish_use_subcommand -a clear -d 'Clear the screen'
complete -c megash -n __fish_use_subcommand -a configure -d 'Show or change settings (file versions, https, permissions, log levels)'
complete -c megash -n __fish_use_subcommand -a confirm -d 'Confirm a new account with the link MEGA mailed'
complete -c megash -n __fish_use_subcommand -a confirmcancel -d 'Cancel (delete) the account with the link MEGA mailed'
complete -c megash -n __fish_use_subcommand -a cp -d 'Copy files and folders in the cloud; with a local endpoint, download or upload'
complete -c megash -n __fish_use_subcommand -a debug -d 'Set every log level of megash\'s log file to VERBOSE'
complete -c megash -n __fish_use_subcommand -a dedupe -d 'List, and with --mode resolve, names that occur twice in one remote folder'
complete -c megash -n __fish_use_subcommand -a deleteversions -d 'Delete the previous versions of files (the current files stay)'
complete -c megash -n __fish_use_subcommand -a df -d 'Print the account storage usage'
complete -c megash -n __fish_use_subcommand -a diagnose -d 'Explain login problems and how close the account is to MEGA\'s blocking limits'
complete -c megash -n __fish_use_subcommand -a du -d 'Print the size used by remote files and folders'
complete -c megash -n __fish_use_subcommand -a errorcode -d 'Translate an error code into its text'
complete -c megash -n __fish_use_subcommand -a export -d 'Create, list or remove public links'
complete -c megash -n __fish_use_subcommand -a find -d 'Find remote nodes'
complete -c megash -n __fish_use_subcommand -a get -d 'Download remote files and folders'
complete -c megash -n __fish_use_subcommand -a graphics -d 'Make thumbnails and previews of uploaded images (on|off)'
complete -c megash -n __fish_use_subcommand -a help -d 'Print the list of commands, or the usage of one'
complete -c megash -n __fish_use_subcommand -a history -d 'Print the shell\'s command history'
complete -c megash -n __fish_use_subcommand -a https -d 'Use HTTPS for transfers'
complete -c megash -n __fish_use_subcommand -a import -d 'Import the contents of a file or folder link into the account'
complete -c megash -n __fish_use_subcommand -a killsession -d 'Kill a session of the current user (see "whoami -l" for the sessions)'
complete -c megash -n __fish_use_subcommand -a lcd -d 'Change the current local folder'
complete -c megash -n __fish_use_subcommand -a link -d 'Print the public link of a remote path, creating it if needed (megash extension)'
complete -c megash -n __fish_use_subcommand -a log -d 'Show or set the log levels of megash\'s log file'
complete -c megash -n __fish_use_subcommand -a login -d 'Log into a MEGA account, a folder link or a saved session'
complete -c megash -n __fish_use_subcommand -a logout -d 'Log out'
complete -c megash -n __fish_use_subcommand -a lpwd -d 'Print the current local folder'
complete -c megash -n __fish_use_subcommand -a ls -d 'List files in a remote path'
complete -c megash -n __fish_use_subcommand -a masterkey -d 'Print or save the account\'s recovery key'
complete -c megash -n __fish_use_subcommand -a mediainfo -d 'Print width, height, frame rate and playing time of media files'
complete -c megash -n __fish_use_subcommand -a mkdir -d 'Create a remote folder'
complete -c megash -n __fish_use_subcommand -a mount -d 'List the root nodes and their paths'
complete -c megash -n __fish_use_subcommand -a mv -d 'Move or rename remote files and folders'
complete -c megash -n __fish_use_subcommand -a passwd -d 'Change the account\'s password'
complete -c megash -n __fish_use_subcommand -a permissions -d 'Show or set the permissions of downloaded files and folders'
complete -c megash -n __fish_use_subcommand -a preview -d 'Save a file\'s preview, or set it from a local image (-s)'
complete -c megash -n __fish_use_subcommand -a proxy -d 'Show or set the proxy for every connection'
complete -c megash -n __fish_use_subcommand -a psa -d 'Show (or --discard) MEGA\'s public service announcement'
complete -c megash -n __fish_use_subcommand -a put -d 'Upload local files and folders'
complete -c megash -n __fish_use_subcommand -a pwd -d 'Print the current remote folder'
complete -c megash -n __fish_use_subcommand -a quit -d 'Quit the shell'
complete -c megash -n __fish_use_subcommand -a reload -d 'Reload the remote node tree'
complete -c megash -n __fish_use_subcommand -a restore -d 'Move nodes from the rubbish bin back to where they were deleted from'
complete -c megash -n __fish_use_subcommand -a rm -d 'Delete remote files and folders permanently'
complete -c megash -n __fish_use_subcommand -a serve -d 'Run the engine in the foreground: keep every enabled sync in step'
complete -c megash -n __fish_use_subcommand -a session -d 'Print the secret session id'
complete -c megash -n __fish_use_subcommand -a signup -d 'Create a MEGA account (confirm it with the link MEGA mails)'
complete -c megash -n __fish_use_subcommand -a speedlimit -d 'Show or set transfer speed limits and connections'
complete -c megash -n __fish_use_subcommand -a sync -d 'Add, list, pause, enable or delete syncs between local and cloud folders'
complete -c megash -n __fish_use_subcommand -a sync-ignore -d 'Show or edit the exclusion rules (.megaignore) of a sync'
complete -c megash -n __fish_use_subcommand -a sync-issues -d 'Show the paths syncs stalled on, with why and what to do'
complete -c megash -n __fish_use_subcommand -a thumbnail -d 'Save a file\'s thumbnail, or set it from a local image (-s)'
complete -c megash -n __fish_use_subcommand -a transfers -d 'List, pause, resume or cancel the shell\'s background transfers'
complete -c megash -n __fish_use_subcommand -a tree -d 'Print a tree view of a remote folder'
complete -c megash -n __fish_use_subcommand -a userattr -d 'List, show or set user attributes'
complete -c megash -n __fish_use_subcommand -a version -d 'Print the version'
complete -c megash -n __fish_use_subcommand -a whoami -d 'Print info of the user'

complete -c megash -n '__fish_seen_subcommand_from attr' -s s -d 'Set an attribute'
complete -c megash -n '__fish_seen_subcommand_from attr' -s d -d 'Delete an attribute'
complete -c megash -n '__fish_seen_subcommand_from attr' -l force-non-official -d 'Set a non-official attribute without the _ prefix'
complete -c megash -n '__fish_seen_subcommand_from attr' -l print-only-value -d 'Print only the value of the attribute'
complete -c megash -n '__fish_seen_subcommand_from attr' -f -a '(megash __complete attr (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from backup' -l period -r -d 'How often: a time (1d, 12h, 30M) or a 6-field cron expression ("0 0 4 * * *")'
complete -c megash -n '__fish_seen_subcommand_from backup' -l num-backups -r -d 'How many copies to keep'
complete -c megash -n '__fish_seen_subcommand_from backup' -s l -d 'Show details: period, copies kept, next copy, the last copy'
complete -c megash -n '__fish_seen_subcommand_from backup' -s h -d 'Show the history of copies'
complete -c megash -n '__fish_seen_subcommand_from backup' -s d -d 'Remove the backup (its copies stay in the cloud)'
complete -c megash -n '__fish_seen_subcommand_from backup' -s a -d 'Abort the copy under way'
complete -c megash -n '__fish_seen_subcommand_from backup' -l once -d 'Make a copy now, in the foreground (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from backup' -l path-display-size -r -d 'Use N characters for paths'
complete -c megash -n '__fish_seen_subcommand_from backup' -l time-format -r -d 'How times are shown (RFC2822, ISO6081, SHORT, ...)'
complete -c megash -n '__fish_seen_subcommand_from backup' -F

complete -c megash -n '__fish_seen_subcommand_from cancel' -l auth-code -r -d 'Two-factor authentication code'

complete -c megash -n '__fish_seen_subcommand_from cat' -l offset -r -d 'Start at byte N (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from cat' -l length -r -d 'Print at most N bytes (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from cat' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from cat' -f -a '(megash __complete cat (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from cd' -f -a '(megash __complete cd (commandline -ct))'





complete -c megash -n '__fish_seen_subcommand_from cp' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from cp' -f -a '(megash __complete cp (commandline -ct))'


complete -c megash -n '__fish_seen_subcommand_from dedupe' -s r -d 'Also look in every folder below'
complete -c megash -n '__fish_seen_subcommand_from dedupe' -l mode -r -d 'list (default), skip, first, newest, oldest, largest, smallest or rename'
complete -c megash -n '__fish_seen_subcommand_from dedupe' -l dry-run -d 'Say what would be done without doing it'
complete -c megash -n '__fish_seen_subcommand_from dedupe' -f -a '(megash __complete dedupe (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from deleteversions' -s f -d 'Do not ask for confirmation'
complete -c megash -n '__fish_seen_subcommand_from deleteversions' -l all -d 'Delete the versions of every file in the account'
complete -c megash -n '__fish_seen_subcommand_from deleteversions' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from deleteversions' -f -a '(megash __complete deleteversions (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from df' -s h -d 'Human-readable sizes'
complete -c megash -n '__fish_seen_subcommand_from df' -l json -d 'Print one JSON document with stable field names (megash extension)'

complete -c megash -n '__fish_seen_subcommand_from diagnose' -l login -d 'Make one real login attempt and explain its result (password from MEGA_PASSWORD, --password-file= or a prompt)'
complete -c megash -n '__fish_seen_subcommand_from diagnose' -l auth-code -r -d 'Two-factor code for the --login attempt'
complete -c megash -n '__fish_seen_subcommand_from diagnose' -l password-file -r -d 'Read the password for --login from FILE'
complete -c megash -n '__fish_seen_subcommand_from diagnose' -l force -d 'Attempt the login even within 3 s of the previous one'
complete -c megash -n '__fish_seen_subcommand_from diagnose' -l json -d 'Print the checks as one JSON document (megash extension)'

complete -c megash -n '__fish_seen_subcommand_from du' -s h -d 'Human-readable sizes'
complete -c megash -n '__fish_seen_subcommand_from du' -l versions -d 'Add the S.WITH VERS column: the size with the files\' older versions'
complete -c megash -n '__fish_seen_subcommand_from du' -l path-display-size -r -d 'Width of the path column (default: terminal width - 13)'
complete -c megash -n '__fish_seen_subcommand_from du' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from du' -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from du' -f -a '(megash __complete du (commandline -ct))'


complete -c megash -n '__fish_seen_subcommand_from export' -s a -d 'Create a public link'
complete -c megash -n '__fish_seen_subcommand_from export' -s d -d 'Remove the public link'
complete -c megash -n '__fish_seen_subcommand_from export' -s f -d 'Accept MEGA\'s copyright notice without asking'
complete -c megash -n '__fish_seen_subcommand_from export' -l expire -r -d 'Link expiry, e.g. 1d, 2h30M (PRO accounts)'
complete -c megash -n '__fish_seen_subcommand_from export' -l writable -d 'Writable folder link (not supported; refused)'
complete -c megash -n '__fish_seen_subcommand_from export' -l password -r -d 'Password-protected link (not supported; refused)'
complete -c megash -n '__fish_seen_subcommand_from export' -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from export' -f -a '(megash __complete export (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from find' -s l -d 'Long listing with size and sharing info'
complete -c megash -n '__fish_seen_subcommand_from find' -l pattern -r -d 'Only names matching PATTERN (wildcards * and ?; a regex with --use-pcre)'
complete -c megash -n '__fish_seen_subcommand_from find' -l type -r -d 'Only folders (d) or files (f)'
complete -c megash -n '__fish_seen_subcommand_from find' -l mtime -r -d 'Modified within (-) or before (+) a time ago, e.g. -3d+1h (units y m d h M s)'
complete -c megash -n '__fish_seen_subcommand_from find' -l size -r -d 'Files at most (-) or at least (+) a size, e.g. -4M+100K (units B K M G T)'
complete -c megash -n '__fish_seen_subcommand_from find' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from find' -l time-format -r -d 'Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string'
complete -c megash -n '__fish_seen_subcommand_from find' -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c megash -n '__fish_seen_subcommand_from find' -l print-only-handles -d 'Print only the handles'
complete -c megash -n '__fish_seen_subcommand_from find' -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from find' -f -a '(megash __complete find (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from get' -s m -d 'Merge into an existing local folder of the same name'
complete -c megash -n '__fish_seen_subcommand_from get' -s q -d 'Queue in the background of the shell and return at once (one-shot: foreground)'
complete -c megash -n '__fish_seen_subcommand_from get' -l ignore-quota-warn -d 'Start even if the transfer quota may not suffice'
complete -c megash -n '__fish_seen_subcommand_from get' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from get; and test (__megash_operands_before) -le 1' -f -a '(megash __complete get (commandline -ct))'
complete -c megash -n '__fish_seen_subcommand_from get; and test (__megash_operands_before) -gt 1' -F


complete -c megash -n '__fish_seen_subcommand_from help' -s f -d 'Also print each command\'s usage; -ff adds its options'
complete -c megash -n '__fish_seen_subcommand_from help' -l non-interactive -d 'How to use megash from scripts'
complete -c megash -n '__fish_seen_subcommand_from help' -l upgrade -d 'About account plans'
complete -c megash -n '__fish_seen_subcommand_from help' -l paths -d 'The syntax of remote paths'
complete -c megash -n '__fish_seen_subcommand_from help' -l show-all-options -d 'Print every option of every command'
complete -c megash -n '__fish_seen_subcommand_from help' -l markdown -d 'Print the command reference in Markdown'
complete -c megash -n '__fish_seen_subcommand_from help' -f -a 'attr backup cancel cat cd clear configure confirm confirmcancel cp debug dedupe deleteversions df diagnose du errorcode export find get graphics help history https import killsession lcd link log login logout lpwd ls masterkey mediainfo mkdir mount mv passwd permissions preview proxy psa put pwd quit reload restore rm serve session signup speedlimit sync sync-ignore sync-issues thumbnail transfers tree userattr version whoami'



complete -c megash -n '__fish_seen_subcommand_from import' -f -a '(megash __complete import (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from killsession' -s a -d 'Kill all sessions except the current one'

complete -c megash -n '__fish_seen_subcommand_from lcd' -F

complete -c megash -n '__fish_seen_subcommand_from link' -f -a '(megash __complete link (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from log' -s c -d 'The command layer\'s level'
complete -c megash -n '__fish_seen_subcommand_from log' -s s -d 'The protocol library\'s level (MEGAcmd\'s SDK level)'

complete -c megash -n '__fish_seen_subcommand_from login' -l auth-code -r -d 'Two-factor authentication code'
complete -c megash -n '__fish_seen_subcommand_from login' -l auth-key -r -d 'Authentication key of a writable folder link'
complete -c megash -n '__fish_seen_subcommand_from login' -l resume -d 'Resume a folder link login from the local cache'
complete -c megash -n '__fish_seen_subcommand_from login' -l password -r -d 'Password of a password-protected link'
complete -c megash -n '__fish_seen_subcommand_from login' -l password-file -r -d 'Read the account password from FILE (for scripts)'
complete -c megash -n '__fish_seen_subcommand_from login' -l force -d 'Log in even if the last login was less than 3 seconds ago'

complete -c megash -n '__fish_seen_subcommand_from logout' -l keep-session -d 'Keep the session and cache to resume later'


complete -c megash -n '__fish_seen_subcommand_from ls' -s R -d 'List folders recursively'
complete -c megash -n '__fish_seen_subcommand_from ls' -s r -d 'List folders recursively'
complete -c megash -n '__fish_seen_subcommand_from ls' -s l -d 'Long listing: flags, versions, size, date'
complete -c megash -n '__fish_seen_subcommand_from ls' -s h -d 'Human-readable sizes'
complete -c megash -n '__fish_seen_subcommand_from ls' -s a -d 'Extra info (sharing, links); -aa adds the links'
complete -c megash -n '__fish_seen_subcommand_from ls' -l tree -d 'Tree view (implies recursion)'
complete -c megash -n '__fish_seen_subcommand_from ls' -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c megash -n '__fish_seen_subcommand_from ls' -l versions -d 'Show previous versions of files'
complete -c megash -n '__fish_seen_subcommand_from ls' -l show-creation-time -d 'Show creation time instead of modification time'
complete -c megash -n '__fish_seen_subcommand_from ls' -l time-format -r -d 'Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string'
complete -c megash -n '__fish_seen_subcommand_from ls' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from ls' -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from ls' -f -a '(megash __complete ls (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from masterkey' -F

complete -c megash -n '__fish_seen_subcommand_from mediainfo' -l path-display-size -r -d 'Width of the path column (default: min(50, terminal width - 28))'
complete -c megash -n '__fish_seen_subcommand_from mediainfo' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from mediainfo' -f -a '(megash __complete mediainfo (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from mkdir' -s p -d 'Create missing parent folders'
complete -c megash -n '__fish_seen_subcommand_from mkdir' -f -a '(megash __complete mkdir (commandline -ct))'


complete -c megash -n '__fish_seen_subcommand_from mv' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from mv' -f -a '(megash __complete mv (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from passwd' -s f -d 'Do not ask for confirmation'
complete -c megash -n '__fish_seen_subcommand_from passwd' -l auth-code -r -d 'Two-factor authentication code'

complete -c megash -n '__fish_seen_subcommand_from permissions' -l files -d 'Files\' permissions'
complete -c megash -n '__fish_seen_subcommand_from permissions' -l folders -d 'Folders\' permissions'
complete -c megash -n '__fish_seen_subcommand_from permissions' -s s -d 'Set them to XXX (octal, e.g. 640)'

complete -c megash -n '__fish_seen_subcommand_from preview' -s s -d 'Set the preview from the local image'
complete -c megash -n '__fish_seen_subcommand_from preview; and test (__megash_operands_before) -le 1' -f -a '(megash __complete preview (commandline -ct))'
complete -c megash -n '__fish_seen_subcommand_from preview; and test (__megash_operands_before) -gt 1' -F

complete -c megash -n '__fish_seen_subcommand_from proxy' -l auto -d 'Use the proxy environment variables (the default)'
complete -c megash -n '__fish_seen_subcommand_from proxy' -l none -d 'Connect directly, whatever the environment says'
complete -c megash -n '__fish_seen_subcommand_from proxy' -l username -r -d 'Proxy user name'
complete -c megash -n '__fish_seen_subcommand_from proxy' -l password -r -d 'Proxy password (asked for when omitted)'

complete -c megash -n '__fish_seen_subcommand_from psa' -l discard -d 'Dismiss the announcement'

complete -c megash -n '__fish_seen_subcommand_from put' -s c -d 'Create the destination folder path if it is missing'
complete -c megash -n '__fish_seen_subcommand_from put' -s q -d 'Queue in the background of the shell and return at once (one-shot: foreground)'
complete -c megash -n '__fish_seen_subcommand_from put' -l print-tag-at-start -d 'Print the transfer tag when it starts'
complete -c megash -n '__fish_seen_subcommand_from put' -l ignore-quota-warn -d 'Accepted for MEGAcmd compatibility; no effect'
complete -c megash -n '__fish_seen_subcommand_from put' -F


complete -c megash -n '__fish_seen_subcommand_from quit' -l only-shell -d 'Accepted for MEGAcmd compatibility: megash has no server to keep running'


complete -c megash -n '__fish_seen_subcommand_from restore' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from restore' -f -a '(megash __complete restore (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from rm' -s r -d 'Delete folders recursively'
complete -c megash -n '__fish_seen_subcommand_from rm' -s f -d 'Do not ask for confirmation'
complete -c megash -n '__fish_seen_subcommand_from rm' -l trash -d 'Move to the rubbish bin instead of deleting; restore brings it back (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from rm' -l empty-trash -d 'Delete everything in the rubbish bin for good (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from rm' -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c megash -n '__fish_seen_subcommand_from rm' -f -a '(megash __complete rm (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from serve' -l log-file -r -d 'Append the log lines to PATH instead of stderr'

complete -c megash -n '__fish_seen_subcommand_from session' -l json -d 'Print one JSON document with stable field names (megash extension)'

complete -c megash -n '__fish_seen_subcommand_from signup' -l name -r -d 'First name and surname'

complete -c megash -n '__fish_seen_subcommand_from speedlimit' -s u -d 'The upload speed limit only'
complete -c megash -n '__fish_seen_subcommand_from speedlimit' -s d -d 'The download speed limit only'
complete -c megash -n '__fish_seen_subcommand_from speedlimit' -l upload-connections -d 'Connections per file for uploads (NEWLIMIT: 1 to 32)'
complete -c megash -n '__fish_seen_subcommand_from speedlimit' -l download-connections -d 'Connections per file for downloads (NEWLIMIT: 1 to 32)'
complete -c megash -n '__fish_seen_subcommand_from speedlimit' -s h -d 'Human-readable speeds'

complete -c megash -n '__fish_seen_subcommand_from sync' -s p -l pause -d 'Pause the sync (its state is kept)'
complete -c megash -n '__fish_seen_subcommand_from sync' -s e -l enable -d 'Enable (resume) a paused sync'
complete -c megash -n '__fish_seen_subcommand_from sync' -s d -l delete -d 'Delete the sync (both folders stay as they are)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l remove -d 'Deprecated: -d'
complete -c megash -n '__fish_seen_subcommand_from sync' -s s -l disable -d 'Deprecated: -p'
complete -c megash -n '__fish_seen_subcommand_from sync' -s r -d 'Deprecated: -e'
complete -c megash -n '__fish_seen_subcommand_from sync' -l once -d 'Run passes now, in the foreground, until both sides are in step (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l up -d 'A one-way mirror: the cloud follows the local folder (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l down -d 'A one-way mirror: the local folder follows the cloud (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l max-delete -r -d 'Stall a pass that would delete more than N% of the synced files (default 50%)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l show-handles -d 'Show the cloud folder\'s handle'
complete -c megash -n '__fish_seen_subcommand_from sync' -l path-display-size -r -d 'Shorten paths to N characters'
complete -c megash -n '__fish_seen_subcommand_from sync' -l col-separator -r -d 'Separate columns with X instead of spaces'
complete -c megash -n '__fish_seen_subcommand_from sync' -l output-cols -r -d 'Only these columns, in this order (e.g. ID,LOCALPATH,STATUS)'
complete -c megash -n '__fish_seen_subcommand_from sync' -l json -d 'Print the list as JSON (megash extension)'
complete -c megash -n '__fish_seen_subcommand_from sync' -F

complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -l show -d 'Print the rules (the default)'
complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -l add -d 'Add the rules given'
complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -l add-exclusion -d 'Add exclusions: each PATTERN becomes -:PATTERN'
complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -l remove -d 'Remove the rules given'
complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -l remove-exclusion -d 'Remove exclusions: each PATTERN as -:PATTERN'
complete -c megash -n '__fish_seen_subcommand_from sync-ignore' -F

complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l detail -d 'Show the one with the ID given (or every one, with --all) in full'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l all -d 'With --detail: every issue'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l limit -r -d 'Show at most N issues (default 10; 0: all)'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l disable-path-collapse -d 'Accepted for MEGAcmd compatibility'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l enable-warning -d 'Accepted for MEGAcmd compatibility'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l disable-warning -d 'Accepted for MEGAcmd compatibility'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l col-separator -r -d 'Separate columns with X instead of spaces'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l output-cols -r -d 'Only these columns, in this order'
complete -c megash -n '__fish_seen_subcommand_from sync-issues' -l json -d 'Print the issues as JSON (megash extension)'

complete -c megash -n '__fish_seen_subcommand_from thumbnail' -s s -d 'Set the thumbnail from the local image'
complete -c megash -n '__fish_seen_subcommand_from thumbnail; and test (__megash_operands_before) -le 1' -f -a '(megash __complete thumbnail (commandline -ct))'
complete -c megash -n '__fish_seen_subcommand_from thumbnail; and test (__megash_operands_before) -gt 1' -F

complete -c megash -n '__fish_seen_subcommand_from transfers' -s c -d 'Cancel the transfer TAG (with -a: all)'
complete -c megash -n '__fish_seen_subcommand_from transfers' -s p -d 'Pause the transfer TAG (with -a: all)'
complete -c megash -n '__fish_seen_subcommand_from transfers' -s r -d 'Resume the transfer TAG (with -a: all)'
complete -c megash -n '__fish_seen_subcommand_from transfers' -s a -d 'Every transfer, for -c, -p or -r'
complete -c megash -n '__fish_seen_subcommand_from transfers' -l only-downloads -d 'Downloads only'
complete -c megash -n '__fish_seen_subcommand_from transfers' -l only-uploads -d 'Uploads only'
complete -c megash -n '__fish_seen_subcommand_from transfers' -l summary -d 'Counts and bytes instead of the list'
complete -c megash -n '__fish_seen_subcommand_from transfers' -l show-completed -d 'Also list finished and cancelled transfers'
complete -c megash -n '__fish_seen_subcommand_from transfers' -l show-syncs -d 'Also list the transfers a running engine does for syncs (type ⇵)'

complete -c megash -n '__fish_seen_subcommand_from tree' -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c megash -n '__fish_seen_subcommand_from tree' -f -a '(megash __complete tree (commandline -ct))'

complete -c megash -n '__fish_seen_subcommand_from userattr' -s s -d 'Set the attribute to the value'
complete -c megash -n '__fish_seen_subcommand_from userattr' -l list -d 'List the attribute names'
complete -c megash -n '__fish_seen_subcommand_from userattr' -l user -r -d 'Another user\'s attributes (read only)'

complete -c megash -n '__fish_seen_subcommand_from version' -s l -d 'Show extended info: protocol and features'
complete -c megash -n '__fish_seen_subcommand_from version' -s c -d 'Show where to find the changes of this version'

complete -c megash -n '__fish_seen_subcommand_from whoami' -s l -d 'Show extended info: storage, plan, sessions'
complete -c megash -n '__fish_seen_subcommand_from whoami' -l json -d 'Print one JSON document with stable field names (megash extension)'

complete -c mega-attr -s s -d 'Set an attribute'
complete -c mega-attr -s d -d 'Delete an attribute'
complete -c mega-attr -l force-non-official -d 'Set a non-official attribute without the _ prefix'
complete -c mega-attr -l print-only-value -d 'Print only the value of the attribute'
complete -c mega-attr -f -a '(megash __complete attr (commandline -ct))'

complete -c mega-backup -l period -r -d 'How often: a time (1d, 12h, 30M) or a 6-field cron expression ("0 0 4 * * *")'
complete -c mega-backup -l num-backups -r -d 'How many copies to keep'
complete -c mega-backup -s l -d 'Show details: period, copies kept, next copy, the last copy'
complete -c mega-backup -s h -d 'Show the history of copies'
complete -c mega-backup -s d -d 'Remove the backup (its copies stay in the cloud)'
complete -c mega-backup -s a -d 'Abort the copy under way'
complete -c mega-backup -l once -d 'Make a copy now, in the foreground (megash extension)'
complete -c mega-backup -l path-display-size -r -d 'Use N characters for paths'
complete -c mega-backup -l time-format -r -d 'How times are shown (RFC2822, ISO6081, SHORT, ...)'
complete -c mega-backup -F

complete -c mega-cancel -l auth-code -r -d 'Two-factor authentication code'

complete -c mega-cat -l offset -r -d 'Start at byte N (megash extension)'
complete -c mega-cat -l length -r -d 'Print at most N bytes (megash extension)'
complete -c mega-cat -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-cat -f -a '(megash __complete cat (commandline -ct))'

complete -c mega-cd -f -a '(megash __complete cd (commandline -ct))'





complete -c mega-cp -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-cp -f -a '(megash __complete cp (commandline -ct))'


complete -c mega-dedupe -s r -d 'Also look in every folder below'
complete -c mega-dedupe -l mode -r -d 'list (default), skip, first, newest, oldest, largest, smallest or rename'
complete -c mega-dedupe -l dry-run -d 'Say what would be done without doing it'
complete -c mega-dedupe -f -a '(megash __complete dedupe (commandline -ct))'

complete -c mega-deleteversions -s f -d 'Do not ask for confirmation'
complete -c mega-deleteversions -l all -d 'Delete the versions of every file in the account'
complete -c mega-deleteversions -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-deleteversions -f -a '(megash __complete deleteversions (commandline -ct))'

complete -c mega-df -s h -d 'Human-readable sizes'
complete -c mega-df -l json -d 'Print one JSON document with stable field names (megash extension)'

complete -c mega-diagnose -l login -d 'Make one real login attempt and explain its result (password from MEGA_PASSWORD, --password-file= or a prompt)'
complete -c mega-diagnose -l auth-code -r -d 'Two-factor code for the --login attempt'
complete -c mega-diagnose -l password-file -r -d 'Read the password for --login from FILE'
complete -c mega-diagnose -l force -d 'Attempt the login even within 3 s of the previous one'
complete -c mega-diagnose -l json -d 'Print the checks as one JSON document (megash extension)'

complete -c mega-du -s h -d 'Human-readable sizes'
complete -c mega-du -l versions -d 'Add the S.WITH VERS column: the size with the files\' older versions'
complete -c mega-du -l path-display-size -r -d 'Width of the path column (default: terminal width - 13)'
complete -c mega-du -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-du -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c mega-du -f -a '(megash __complete du (commandline -ct))'


complete -c mega-export -s a -d 'Create a public link'
complete -c mega-export -s d -d 'Remove the public link'
complete -c mega-export -s f -d 'Accept MEGA\'s copyright notice without asking'
complete -c mega-export -l expire -r -d 'Link expiry, e.g. 1d, 2h30M (PRO accounts)'
complete -c mega-export -l writable -d 'Writable folder link (not supported; refused)'
complete -c mega-export -l password -r -d 'Password-protected link (not supported; refused)'
complete -c mega-export -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c mega-export -f -a '(megash __complete export (commandline -ct))'

complete -c mega-find -s l -d 'Long listing with size and sharing info'
complete -c mega-find -l pattern -r -d 'Only names matching PATTERN (wildcards * and ?; a regex with --use-pcre)'
complete -c mega-find -l type -r -d 'Only folders (d) or files (f)'
complete -c mega-find -l mtime -r -d 'Modified within (-) or before (+) a time ago, e.g. -3d+1h (units y m d h M s)'
complete -c mega-find -l size -r -d 'Files at most (-) or at least (+) a size, e.g. -4M+100K (units B K M G T)'
complete -c mega-find -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-find -l time-format -r -d 'Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string'
complete -c mega-find -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c mega-find -l print-only-handles -d 'Print only the handles'
complete -c mega-find -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c mega-find -f -a '(megash __complete find (commandline -ct))'

complete -c mega-get -s m -d 'Merge into an existing local folder of the same name'
complete -c mega-get -s q -d 'Queue in the background of the shell and return at once (one-shot: foreground)'
complete -c mega-get -l ignore-quota-warn -d 'Start even if the transfer quota may not suffice'
complete -c mega-get -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-get -n 'test (__megash_operands_before) -le 0' -f -a '(megash __complete get (commandline -ct))'
complete -c mega-get -n 'test (__megash_operands_before) -gt 0' -F


complete -c mega-help -s f -d 'Also print each command\'s usage; -ff adds its options'
complete -c mega-help -l non-interactive -d 'How to use megash from scripts'
complete -c mega-help -l upgrade -d 'About account plans'
complete -c mega-help -l paths -d 'The syntax of remote paths'
complete -c mega-help -l show-all-options -d 'Print every option of every command'
complete -c mega-help -l markdown -d 'Print the command reference in Markdown'
complete -c mega-help -f -a 'attr backup cancel cat cd clear configure confirm confirmcancel cp debug dedupe deleteversions df diagnose du errorcode export find get graphics help history https import killsession lcd link log login logout lpwd ls masterkey mediainfo mkdir mount mv passwd permissions preview proxy psa put pwd quit reload restore rm serve session signup speedlimit sync sync-ignore sync-issues thumbnail transfers tree userattr version whoami'



complete -c mega-import -f -a '(megash __complete import (commandline -ct))'

complete -c mega-killsession -s a -d 'Kill all sessions except the current one'

complete -c mega-lcd -F

complete -c mega-link -f -a '(megash __complete link (commandline -ct))'

complete -c mega-log -s c -d 'The command layer\'s level'
complete -c mega-log -s s -d 'The protocol library\'s level (MEGAcmd\'s SDK level)'

complete -c mega-login -l auth-code -r -d 'Two-factor authentication code'
complete -c mega-login -l auth-key -r -d 'Authentication key of a writable folder link'
complete -c mega-login -l resume -d 'Resume a folder link login from the local cache'
complete -c mega-login -l password -r -d 'Password of a password-protected link'
complete -c mega-login -l password-file -r -d 'Read the account password from FILE (for scripts)'
complete -c mega-login -l force -d 'Log in even if the last login was less than 3 seconds ago'

complete -c mega-logout -l keep-session -d 'Keep the session and cache to resume later'


complete -c mega-ls -s R -d 'List folders recursively'
complete -c mega-ls -s r -d 'List folders recursively'
complete -c mega-ls -s l -d 'Long listing: flags, versions, size, date'
complete -c mega-ls -s h -d 'Human-readable sizes'
complete -c mega-ls -s a -d 'Extra info (sharing, links); -aa adds the links'
complete -c mega-ls -l tree -d 'Tree view (implies recursion)'
complete -c mega-ls -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c mega-ls -l versions -d 'Show previous versions of files'
complete -c mega-ls -l show-creation-time -d 'Show creation time instead of modification time'
complete -c mega-ls -l time-format -r -d 'Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string'
complete -c mega-ls -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-ls -l json -d 'Print one JSON document with stable field names (megash extension)'
complete -c mega-ls -f -a '(megash __complete ls (commandline -ct))'

complete -c mega-masterkey -F

complete -c mega-mediainfo -l path-display-size -r -d 'Width of the path column (default: min(50, terminal width - 28))'
complete -c mega-mediainfo -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-mediainfo -f -a '(megash __complete mediainfo (commandline -ct))'

complete -c mega-mkdir -s p -d 'Create missing parent folders'
complete -c mega-mkdir -f -a '(megash __complete mkdir (commandline -ct))'


complete -c mega-mv -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-mv -f -a '(megash __complete mv (commandline -ct))'

complete -c mega-passwd -s f -d 'Do not ask for confirmation'
complete -c mega-passwd -l auth-code -r -d 'Two-factor authentication code'

complete -c mega-permissions -l files -d 'Files\' permissions'
complete -c mega-permissions -l folders -d 'Folders\' permissions'
complete -c mega-permissions -s s -d 'Set them to XXX (octal, e.g. 640)'

complete -c mega-preview -s s -d 'Set the preview from the local image'
complete -c mega-preview -n 'test (__megash_operands_before) -le 0' -f -a '(megash __complete preview (commandline -ct))'
complete -c mega-preview -n 'test (__megash_operands_before) -gt 0' -F

complete -c mega-proxy -l auto -d 'Use the proxy environment variables (the default)'
complete -c mega-proxy -l none -d 'Connect directly, whatever the environment says'
complete -c mega-proxy -l username -r -d 'Proxy user name'
complete -c mega-proxy -l password -r -d 'Proxy password (asked for when omitted)'

complete -c mega-psa -l discard -d 'Dismiss the announcement'

complete -c mega-put -s c -d 'Create the destination folder path if it is missing'
complete -c mega-put -s q -d 'Queue in the background of the shell and return at once (one-shot: foreground)'
complete -c mega-put -l print-tag-at-start -d 'Print the transfer tag when it starts'
complete -c mega-put -l ignore-quota-warn -d 'Accepted for MEGAcmd compatibility; no effect'
complete -c mega-put -F


complete -c mega-quit -l only-shell -d 'Accepted for MEGAcmd compatibility: megash has no server to keep running'


complete -c mega-restore -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-restore -f -a '(megash __complete restore (commandline -ct))'

complete -c mega-rm -s r -d 'Delete folders recursively'
complete -c mega-rm -s f -d 'Do not ask for confirmation'
complete -c mega-rm -l trash -d 'Move to the rubbish bin instead of deleting; restore brings it back (megash extension)'
complete -c mega-rm -l empty-trash -d 'Delete everything in the rubbish bin for good (megash extension)'
complete -c mega-rm -l use-pcre -d 'Treat patterns as Perl-compatible regular expressions'
complete -c mega-rm -f -a '(megash __complete rm (commandline -ct))'

complete -c mega-serve -l log-file -r -d 'Append the log lines to PATH instead of stderr'

complete -c mega-session -l json -d 'Print one JSON document with stable field names (megash extension)'

complete -c mega-signup -l name -r -d 'First name and surname'

complete -c mega-speedlimit -s u -d 'The upload speed limit only'
complete -c mega-speedlimit -s d -d 'The download speed limit only'
complete -c mega-speedlimit -l upload-connections -d 'Connections per file for uploads (NEWLIMIT: 1 to 32)'
complete -c mega-speedlimit -l download-connections -d 'Connections per file for downloads (NEWLIMIT: 1 to 32)'
complete -c mega-speedlimit -s h -d 'Human-readable speeds'

complete -c mega-sync -s p -l pause -d 'Pause the sync (its state is kept)'
complete -c mega-sync -s e -l enable -d 'Enable (resume) a paused sync'
complete -c mega-sync -s d -l delete -d 'Delete the sync (both folders stay as they are)'
complete -c mega-sync -l remove -d 'Deprecated: -d'
complete -c mega-sync -s s -l disable -d 'Deprecated: -p'
complete -c mega-sync -s r -d 'Deprecated: -e'
complete -c mega-sync -l once -d 'Run passes now, in the foreground, until both sides are in step (megash extension)'
complete -c mega-sync -l up -d 'A one-way mirror: the cloud follows the local folder (megash extension)'
complete -c mega-sync -l down -d 'A one-way mirror: the local folder follows the cloud (megash extension)'
complete -c mega-sync -l max-delete -r -d 'Stall a pass that would delete more than N% of the synced files (default 50%)'
complete -c mega-sync -l show-handles -d 'Show the cloud folder\'s handle'
complete -c mega-sync -l path-display-size -r -d 'Shorten paths to N characters'
complete -c mega-sync -l col-separator -r -d 'Separate columns with X instead of spaces'
complete -c mega-sync -l output-cols -r -d 'Only these columns, in this order (e.g. ID,LOCALPATH,STATUS)'
complete -c mega-sync -l json -d 'Print the list as JSON (megash extension)'
complete -c mega-sync -F

complete -c mega-sync-ignore -l show -d 'Print the rules (the default)'
complete -c mega-sync-ignore -l add -d 'Add the rules given'
complete -c mega-sync-ignore -l add-exclusion -d 'Add exclusions: each PATTERN becomes -:PATTERN'
complete -c mega-sync-ignore -l remove -d 'Remove the rules given'
complete -c mega-sync-ignore -l remove-exclusion -d 'Remove exclusions: each PATTERN as -:PATTERN'
complete -c mega-sync-ignore -F

complete -c mega-sync-issues -l detail -d 'Show the one with the ID given (or every one, with --all) in full'
complete -c mega-sync-issues -l all -d 'With --detail: every issue'
complete -c mega-sync-issues -l limit -r -d 'Show at most N issues (default 10; 0: all)'
complete -c mega-sync-issues -l disable-path-collapse -d 'Accepted for MEGAcmd compatibility'
complete -c mega-sync-issues -l enable-warning -d 'Accepted for MEGAcmd compatibility'
complete -c mega-sync-issues -l disable-warning -d 'Accepted for MEGAcmd compatibility'
complete -c mega-sync-issues -l col-separator -r -d 'Separate columns with X instead of spaces'
complete -c mega-sync-issues -l output-cols -r -d 'Only these columns, in this order'
complete -c mega-sync-issues -l json -d 'Print the issues as JSON (megash extension)'

complete -c mega-thumbnail -s s -d 'Set the thumbnail from the local image'
complete -c mega-thumbnail -n 'test (__megash_operands_before) -le 0' -f -a '(megash __complete thumbnail (commandline -ct))'
complete -c mega-thumbnail -n 'test (__megash_operands_before) -gt 0' -F

complete -c mega-transfers -s c -d 'Cancel the transfer TAG (with -a: all)'
complete -c mega-transfers -s p -d 'Pause the transfer TAG (with -a: all)'
complete -c mega-transfers -s r -d 'Resume the transfer TAG (with -a: all)'
complete -c mega-transfers -s a -d 'Every transfer, for -c, -p or -r'
complete -c mega-transfers -l only-downloads -d 'Downloads only'
complete -c mega-transfers -l only-uploads -d 'Uploads only'
complete -c mega-transfers -l summary -d 'Counts and bytes instead of the list'
complete -c mega-transfers -l show-completed -d 'Also list finished and cancelled transfers'
complete -c mega-transfers -l show-syncs -d 'Also list the transfers a running engine does for syncs (type ⇵)'

complete -c mega-tree -l show-handles -d 'Show node handles (H:XXXXXXXX)'
complete -c mega-tree -f -a '(megash __complete tree (commandline -ct))'

complete -c mega-userattr -s s -d 'Set the attribute to the value'
complete -c mega-userattr -l list -d 'List the attribute names'
complete -c mega-userattr -l user -r -d 'Another user\'s attributes (read only)'

complete -c mega-version -s l -d 'Show extended info: protocol and features'
complete -c mega-version -s c -d 'Show where to find the changes of this version'

complete -c mega-whoami -s l -d 'Show extended info: storage, plan, sessions'
complete -c mega-whoami -l json -d 'Print one JSON document with stable field names (megash extension)'
