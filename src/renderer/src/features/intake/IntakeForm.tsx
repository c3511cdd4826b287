/**
 * 受理: the intake form, built for the keyboard. Tab order follows a routine call (number, type,
 * category, region, content, urgency, handling, answer), then what is often left empty (来电人,
 * 详细地址: Alt+R and Alt+A reach them from anywhere, and → takes what the caller history
 * offers), then the rarely changed channel and 保密. Enter on a picked option moves on, 办理方式
 * follows 诉求类型 until the operator sets it, Alt+J reaches 紧急程度. A routine 转办 call is
 * thus: number Tab ts Enter wy Enter rc Enter content Ctrl+Enter. Ctrl+Enter saves from
 * anywhere outside a dialog; Esc clears, asking first when something was typed. Validation is
 * the shared zod schema; errors sit beside their field and nothing typed is ever dropped.
 * 可能重复 (RepeatProposal.tsx) proposes an open order this call repeats; Alt+L links the call to it.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { App, Button, Checkbox, Col, Form, Input, Radio, Row } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Controller, useForm, useWatch, type FieldErrors } from 'react-hook-form';
import { CHANNELS, HANDLING_MODES, REQUEST_TYPES, URGENCIES } from '../../../../shared/domain';
import { IntakeInput, type IntakeValues } from '../../../../shared/schemas';
import { backend } from '../../api/backend';
import { errorText, formatTime, useLang, useT } from '../../i18n';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { useStatus } from '../../state/status';
import { IDS, focusById, isComposing, isInDialog } from '../../ui/focus';
import { PickSelect } from '../../ui/PickSelect';
import { ENUM_INITIALS, enumOptions } from '../../ui/pickOptions';
import { useHistory } from '../history/historyStore';
import { useSync } from '../sync/syncStore';
import { useCall } from '../telephony/callStore';
import { useIntakePort } from '../telephony/useIntakePort';
import {
  EMPTY_INTAKE,
  usualHandling,
  createDraftAutosave,
  fromDraft,
  isBlank,
  type IntakeForm as IntakeFormValues,
} from './draft';
import { showScreen, useNav } from '../../state/nav';
import { SuggestInput } from './SuggestInput';
import { useLeader } from '../leader/leaderStore';
import { RepeatProposalRegion, useRepeatProposal } from './RepeatProposal';
import type { RepeatProposal } from '../../../../shared/desk-orders';

const FORM_ID = 'intake-form';
/** label column width: English labels are longer and must not wrap at 1366 px */
const LABEL_WIDTH = { 'zh-CN': 84, en: 112 } as const;
const fieldId = (name: keyof IntakeFormValues) => (name === 'phone' ? IDS.phone : `intake-${name}`);
const errorId = (name: keyof IntakeFormValues) => `${fieldId(name)}-error`;
/** Alt+<key> (by physical key) focuses a field that Tab reaches late; F1 lists them */
const FIELD_SHORTCUTS = { KeyR: 'callerName', KeyA: 'address', KeyJ: 'urgency' } as const satisfies Record<string, keyof IntakeFormValues>;
const shortcutLabel = (field: (typeof FIELD_SHORTCUTS)[keyof typeof FIELD_SHORTCUTS]) =>
  `Alt+${Object.entries(FIELD_SHORTCUTS).find(([, f]) => f === field)![0].slice(3)}`;

export function IntakeForm() {
  const t = useT();
  const labelWidth = LABEL_WIDTH[useLang((s) => s.lang)];
  const { modal } = App.useApp();
  const categories = useReference((s) => s.categories);
  const regions = useReference((s) => s.regions);
  const lookup = useHistory((s) => s.lookup);
  const showStatus = useStatus((s) => s.show);
  const autosave = useMemo(() => createDraftAutosave(), []);
  const saving = useRef(false);
  /** the operator chose 办理方式 themselves: 诉求类型 no longer presets it */
  const handlingChosen = useRef(false);

  const { control, handleSubmit, reset, setError, setFocus, getValues, setValue, watch, formState } = useForm<
    IntakeInput,
    unknown,
    IntakeValues
  >({
    resolver: zodResolver(IntakeInput),
    defaultValues: EMPTY_INTAKE,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const { errors } = formState;
  const handlingMode = useWatch({ control, name: 'handlingMode' });
  const proposal = useRepeatProposal(control);
  const proposalRef = useRef<RepeatProposal | null>(null);
  proposalRef.current = proposal;
  const [linkError, setLinkError] = useState<{ orderId: string; text: string } | null>(null);

  const requestTypeOptions = useMemo(() => enumOptions(REQUEST_TYPES, t.labels.requestType, ENUM_INITIALS), [t]);
  const channelOptions = useMemo(() => enumOptions(CHANNELS, t.labels.channel, ENUM_INITIALS), [t]);

  // bring back the intake a crash or reload interrupted
  useEffect(() => {
    let cancelled = false;
    void backend.invoke('draft.load', {}).then((res) => {
      if (cancelled || !res.ok || !res.data.draft) return;
      // the operator started typing before the draft arrived: what they type now wins
      if (!isBlank(getValues())) return;
      const values = fromDraft(res.data.draft);
      if (isBlank(values)) return;
      reset(values);
      handlingChosen.current = values.handlingMode !== '' && values.handlingMode !== usualHandling(values.requestType);
      autosave.restored();
      lookup(values.phone);
      const at = res.data.updatedAt;
      showStatus('info', (m) => m.intake.draftRestored(at ? formatTime(at) : ''));
    });
    return () => {
      cancelled = true;
    };
  }, [autosave, getValues, lookup, reset, showStatus]);

  useEffect(() => {
    const subscription = watch((values) => {
      autosave.schedule(values);
      // whether Esc will ask before clearing, for tests that must know without racing the dialog
      document.getElementById(FORM_ID)?.setAttribute('data-blank', String(isBlank(values)));
    });
    const flush = () => autosave.flush();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', flush);
    return () => {
      subscription.unsubscribe();
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', flush);
    };
  }, [watch, autosave]);

  // 领导接听: while a session runs at this seat the channel is 领导接听 (the operator may change it)
  const leaderRunning = useLeader((s) => s.current !== null);
  useEffect(() => {
    const channel = getValues('channel');
    if (leaderRunning && channel === 'hotline') setValue('channel', 'leader_session');
    if (!leaderRunning && channel === 'leader_session') setValue('channel', 'hotline');
  }, [leaderRunning, getValues, setValue]);

  const startOver = useCallback(() => {
    autosave.discard();
    handlingChosen.current = false;
    reset(useLeader.getState().current ? { ...EMPTY_INTAKE, channel: 'leader_session' } : EMPTY_INTAKE);
    lookup('');
    useCall.getState().formCleared();
  }, [autosave, reset, lookup]);

  const submit = useCallback(
    async (values: IntakeValues, repeat: { proposal: RepeatProposal; handlingBefore: IntakeInput['handlingMode'] } | null) => {
      saving.current = true;
      showStatus('info', (m) => m.intake.saving);
      // an answer typed before switching to 转办 stays in the form but is not part of the order
      const input = values.handlingMode === 'direct' ? values : { ...values, answer: '' };
      // the phone system's call this case is logged for (screen pop), if any
      // 领导接听: a call of that channel logged while a session runs at this seat carries the session
      const leader = useLeader.getState().current;
      const leaderSessionId = leader && input.channel === 'leader_session' ? leader.id : null;
      const res = await backend.invoke('intake.save', {
        ...input,
        call: useCall.getState().callForSave(),
        leaderSessionId,
        repeatOf: repeat?.proposal.orderId ?? null,
      });
      saving.current = false;
      if (!res.ok && repeat) {
        // the link did not happen: the form is as the operator left it
        setValue('handlingMode', repeat.handlingBefore);
        const refusal = res.error.fields?.repeatOf;
        if (refusal) {
          const text = refusal === 'repeatOf.already_linked' ? t.intake.repeat.alreadyLinked : t.intake.repeat.unavailable;
          setLinkError({ orderId: repeat.proposal.orderId, text });
          showStatus('error', (m) => m.intake.repeat.refused(text));
          return;
        }
      }
      if (res.ok) {
        setLinkError(null);
        startOver();
        if (repeat) showStatus('success', (m) => m.intake.repeat.linked(res.data.localNo, repeat.proposal.officialNo));
        else showStatus('success', (m) => m.intake.saved(res.data.localNo));
        // 待同步 counts the new case at once, not at the next poll
        void useSync.getState().refresh();
        // by DOM id: reset() drops the form's field refs until the next render
        focusById(IDS.phone);
        return;
      }
      const fields = Object.entries(res.error.fields ?? {}).filter(([name]) => name in EMPTY_INTAKE) as Array<
        [keyof IntakeFormValues, string]
      >;
      if (res.error.code === 'invalid_input' && fields.length > 0) {
        for (const [name, key] of fields) setError(name, { type: 'server', message: key });
        setFocus(fields[0]![0]);
        showStatus('error', (m) => m.intake.invalid(fields.length));
        return;
      }
      if (res.error.code === 'unauthorized') {
        // the session ended by itself: the draft keeps the form for the next sign-in
        autosave.flush();
        showStatus('error', (m) => m.auth.signInAgain);
        void useSession.getState().load();
        return;
      }
      showStatus('error', (m) => m.intake.saveFailed);
    },
    [autosave, setError, setFocus, setValue, showStatus, startOver, t],
  );
  const onValid = useCallback((values: IntakeValues) => submit(values, null), [submit]);

  const onInvalid = useCallback(
    (errs: FieldErrors<IntakeInput>) => showStatus('error', (m) => m.intake.invalid(Object.keys(errs).length)),
    [showStatus],
  );

  const save = useCallback(() => {
    if (saving.current) return;
    void handleSubmit(onValid, onInvalid)();
  }, [handleSubmit, onValid, onInvalid]);
  useIntakePort({ getValues, setValue, save });

  /** 关联 (Alt+L): the call is saved as a repeat of the proposed order — 转办 to that order, no new dispatch. */
  const link = useCallback(() => {
    const p = proposalRef.current;
    if (!p || saving.current) return;
    const handlingBefore = getValues('handlingMode');
    // a repeat call is recorded as 转办 (to the order it joins): no answer is required of it
    setValue('handlingMode', 'dispatch');
    void handleSubmit(
      (values) => submit(values, { proposal: p, handlingBefore }),
      (errs) => {
        setValue('handlingMode', handlingBefore);
        onInvalid(errs);
      },
    )();
  }, [getValues, handleSubmit, onInvalid, setValue, submit]);

  const clear = useCallback(() => {
    if (isBlank(getValues())) {
      startOver();
      focusById(IDS.phone);
      return;
    }
    let confirmed = false;
    modal.confirm({
      title: t.intake.confirmClearTitle,
      content: t.intake.confirmClearBody,
      okText: t.intake.confirmClearOk,
      cancelText: t.intake.confirmClearCancel,
      okButtonProps: { danger: true },
      // Esc then Enter clears; a second Esc keeps the text
      autoFocusButton: 'ok',
      onOk: () => {
        confirmed = true;
        startOver();
        showStatus('info', (m) => m.intake.cleared);
      },
      afterClose: () => {
        if (confirmed) focusById(IDS.phone);
      },
    });
  }, [getValues, modal, showStatus, startOver, t]);

  useEffect(() => {
    // capture phase: decide before a picker handles the key (Enter would pick, Esc would close)
    const onKeyDown = (e: KeyboardEvent) => {
      if (isComposing(e) || isInDialog(e.target)) return;
      const field = e.altKey && !e.ctrlKey && !e.metaKey ? FIELD_SHORTCUTS[e.code as keyof typeof FIELD_SHORTCUTS] : undefined;
      if (field) {
        e.preventDefault();
        e.stopPropagation();
        // a radio group: its checked radio (紧急程度 always has one); from 工单, back to 受理登记 first
        showScreen('intake', () => {
          const target = field === 'urgency' ? document.querySelector<HTMLElement>(`#${fieldId(field)} input:checked`) : document.getElementById(fieldId(field));
          target?.focus();
        });
        return;
      }
      // Ctrl+Enter, Alt+L and Esc belong to the form only while 受理登记 is the screen shown
      if (useNav.getState().screen !== 'intake') return;
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyL' && proposalRef.current) {
        e.preventDefault();
        e.stopPropagation();
        link();
        return;
      }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        e.stopPropagation();
        save();
        return;
      }
      if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        const target = e.target instanceof Element ? e.target : null;
        const inIntake = target === null || target === document.body || target.closest(`#${FORM_ID}`) !== null;
        // an open picker list closes first; the next Esc clears
        if (!inIntake || target?.getAttribute('aria-expanded') === 'true') return;
        e.preventDefault();
        clear();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [save, clear, link]);

  const a11y = (name: keyof IntakeFormValues, required = false) => ({
    'aria-required': required || undefined,
    ...(errors[name] ? { 'aria-invalid': true as const, 'aria-describedby': errorId(name) } : {}),
  });

  return (
    <Form
      id={FORM_ID}
      component="form"
      aria-label={t.intake.region}
      layout="horizontal"
      labelCol={{ flex: `${labelWidth}px` }}
      wrapperCol={{ flex: 'auto' }}
      labelWrap
      colon={false}
      // antd draws the star with CSS ::before, which Chromium reads into the accessible name
      // ("* 来电号码"); this star is hidden from assistive tech, which gets aria-required instead
      requiredMark={(label, { required }) => (
        <>
          {required && (
            <span aria-hidden="true" className="required-star">
              *
            </span>
          )}
          {label}
        </>
      )}
      className="intake-form"
    >
      <Row gutter={16}>
        <Col span={12}>
          <Field name="phone" label={t.intake.phone} error={errors.phone?.message} required>
            <Controller
              control={control}
              name="phone"
              render={({ field }) => (
                <Input
                  id={IDS.phone}
                  ref={field.ref}
                  value={field.value}
                  onChange={(e) => {
                    field.onChange(e.target.value);
                    lookup(e.target.value);
                  }}
                  onBlur={field.onBlur}
                  autoFocus
                  autoComplete="off"
                  inputMode="tel"
                  placeholder={t.intake.phonePlaceholder}
                  status={errors.phone ? 'error' : undefined}
                  {...a11y('phone', true)}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="requestType" label={t.intake.requestType} error={errors.requestType?.message} required>
            <Controller
              control={control}
              name="requestType"
              render={({ field }) => (
                <PickSelect
                  id={fieldId('requestType')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={(value) => {
                    field.onChange(value);
                    const preset = usualHandling(value);
                    if (!handlingChosen.current && preset !== getValues('handlingMode'))
                      setValue('handlingMode', preset, { shouldDirty: true, shouldValidate: formState.isSubmitted });
                  }}
                  onBlur={field.onBlur}
                  options={requestTypeOptions}
                  placeholder={t.intake.selectPlaceholder}
                  required
                  invalid={Boolean(errors.requestType)}
                  describedBy={errors.requestType ? errorId('requestType') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="categoryCode" label={t.intake.category} error={errors.categoryCode?.message} required>
            <Controller
              control={control}
              name="categoryCode"
              render={({ field }) => (
                <PickSelect
                  id={fieldId('categoryCode')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  options={categories}
                  placeholder={t.intake.selectPlaceholder}
                  required
                  invalid={Boolean(errors.categoryCode)}
                  describedBy={errors.categoryCode ? errorId('categoryCode') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="regionCode" label={t.intake.regionCode} error={errors.regionCode?.message} required>
            <Controller
              control={control}
              name="regionCode"
              render={({ field }) => (
                <PickSelect
                  id={fieldId('regionCode')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  options={regions}
                  placeholder={t.intake.selectPlaceholder}
                  required
                  invalid={Boolean(errors.regionCode)}
                  describedBy={errors.regionCode ? errorId('regionCode') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={24}>
          <Field name="content" label={t.intake.content} error={errors.content?.message} required>
            <Controller
              control={control}
              name="content"
              render={({ field }) => (
                <Input.TextArea
                  id={fieldId('content')}
                  ref={field.ref}
                  value={field.value}
                  onChange={(e) => field.onChange(e.target.value)}
                  onBlur={field.onBlur}
                  autoSize={{ minRows: 3, maxRows: 7 }}
                  // shows the limit without cutting text off: an over-long request stays intact
                  count={{ show: true, max: 4000 }}
                  status={errors.content ? 'error' : undefined}
                  {...a11y('content', true)}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="urgency" label={t.intake.urgency} error={errors.urgency?.message} group>
            <Controller
              control={control}
              name="urgency"
              render={({ field }) => (
                <Radio.Group
                  id={fieldId('urgency')}
                  aria-label={t.intake.urgency}
                  aria-keyshortcuts={shortcutLabel('urgency')}
                  value={field.value}
                  onChange={(e) => field.onChange(e.target.value)}
                  optionType="button"
                  buttonStyle="solid"
                  options={URGENCIES.map((u) => ({ value: u, label: t.labels.urgency[u] }))}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="handlingMode" label={t.intake.handlingMode} error={errors.handlingMode?.message} required group>
            <Controller
              control={control}
              name="handlingMode"
              render={({ field }) => (
                <Radio.Group
                  ref={(el: HTMLDivElement | null) =>
                    // RHF focuses the first invalid field: for a group that is its first radio
                    field.ref(el ? { focus: () => el.querySelector<HTMLInputElement>('input')?.focus() } : null)
                  }
                  aria-label={t.intake.handlingMode}
                  aria-required
                  aria-invalid={errors.handlingMode ? true : undefined}
                  aria-describedby={errors.handlingMode ? errorId('handlingMode') : undefined}
                  value={field.value}
                  onChange={(e) => {
                    handlingChosen.current = true;
                    field.onChange(e.target.value);
                  }}
                  optionType="button"
                  buttonStyle="solid"
                  options={HANDLING_MODES.map((h) => ({ value: h, label: t.labels.handlingMode[h] }))}
                />
              )}
            />
          </Field>
        </Col>
        {handlingMode === 'direct' && (
          <Col span={24}>
            <Field name="answer" label={t.intake.answer} error={errors.answer?.message} required>
              <Controller
                control={control}
                name="answer"
                render={({ field }) => (
                  <Input.TextArea
                    id={fieldId('answer')}
                    ref={field.ref}
                    value={field.value}
                    onChange={(e) => field.onChange(e.target.value)}
                    onBlur={field.onBlur}
                    autoSize={{ minRows: 2, maxRows: 5 }}
                    status={errors.answer ? 'error' : undefined}
                    {...a11y('answer', true)}
                  />
                )}
              />
            </Field>
          </Col>
        )}
        <Col span={12}>
          <Field name="callerName" label={t.intake.callerName} error={errors.callerName?.message}>
            <Controller
              control={control}
              name="callerName"
              render={({ field }) => (
                <SuggestInput
                  id={fieldId('callerName')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  offerFrom="callerName"
                  keyShortcut={shortcutLabel('callerName')}
                  invalid={Boolean(errors.callerName)}
                  errorId={errors.callerName ? errorId('callerName') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="address" label={t.intake.address} error={errors.address?.message}>
            <Controller
              control={control}
              name="address"
              render={({ field }) => (
                <SuggestInput
                  id={fieldId('address')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  offerFrom="lastAddress"
                  keyShortcut={shortcutLabel('address')}
                  invalid={Boolean(errors.address)}
                  errorId={errors.address ? errorId('address') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="channel" label={t.intake.channel} error={errors.channel?.message}>
            <Controller
              control={control}
              name="channel"
              render={({ field }) => (
                <PickSelect
                  id={fieldId('channel')}
                  ref={field.ref}
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  options={channelOptions}
                  invalid={Boolean(errors.channel)}
                  describedBy={errors.channel ? errorId('channel') : undefined}
                />
              )}
            />
          </Field>
        </Col>
        <Col span={12}>
          <Field name="confidential" label="" error={errors.confidential?.message} group>
            <Controller
              control={control}
              name="confidential"
              render={({ field }) => (
                <span className="confidential">
                  <Checkbox
                    id={fieldId('confidential')}
                    ref={field.ref}
                    checked={field.value ?? false}
                    onChange={(e) => field.onChange(e.target.checked)}
                  >
                    {t.intake.confidential}
                  </Checkbox>
                  <span className="field-hint">{t.intake.confidentialHint}</span>
                </span>
              )}
            />
          </Field>
        </Col>
      </Row>
      <div className="intake-actions" style={{ paddingLeft: labelWidth }}>
        <Button type="primary" onClick={save}>
          {t.intake.save}
        </Button>
        <Button onClick={clear}>{t.intake.clear}</Button>
      </div>
      {proposal && (
        <RepeatProposalRegion
          proposal={proposal}
          error={linkError?.orderId === proposal.orderId ? linkError.text : null}
          onLink={link}
        />
      )}
    </Form>
  );
}

interface FieldProps {
  name: keyof IntakeFormValues;
  label: string;
  /** an i18n key from the shared schema or from main's invalid_input envelope */
  error: string | undefined;
  required?: boolean;
  /** a radio group or checkbox: its label names the group, not a single input */
  group?: boolean;
  children: ReactNode;
}

function Field({ name, label, error, required, group, children }: FieldProps) {
  const t = useT();
  const message = error ? errorText(t, error) : undefined;
  return (
    <Form.Item
      label={label}
      htmlFor={group ? undefined : fieldId(name)}
      required={required}
      validateStatus={message ? 'error' : undefined}
      help={message ? <span id={errorId(name)}>{message}</span> : undefined}
    >
      {children}
    </Form.Item>
  );
}
