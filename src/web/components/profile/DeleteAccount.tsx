import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { deleteAccount } from '../../api/profile.api';
import { useAuth } from '../../auth/auth.context';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../../pages/form-errors';
import { FormAlert } from '../FormField';
import { ProfileForm } from './ProfileForm';
import { CurrentPasswordField } from '../NewPasswordFields';
import './profile.css';

/** Deletes the account and all of its data after the password is confirmed; then the login page says so. */
export function DeleteAccount({ username }: { username: string }) {
  const { endSession } = useAuth();
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async () => {
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      await deleteAccount(password);
    } catch (error) {
      setErrors(toFormErrors(error, ['password']));
      setSubmitting(false);
      passwordRef.current?.select();
      return;
    }
    // The server has ended the session and cleared the cookie: <RequireAuth> goes to the login page.
    endSession({ message: 'Your account has been deleted.', tone: 'success' });
  };

  return (
    <ProfileForm
      name="delete"
      title="Delete my account"
      busy={submitting}
      onSubmit={submit}
      submitLabel="Delete my account"
      submitClassName="btn btn--danger"
      describedBy="profile-delete-warning"
    >
      <div id="profile-delete-warning" className="profile-warning">
        <p>
          <strong>This cannot be undone.</strong> Your account <strong>{username}</strong> and everything in
          it are deleted at once: your history of prompts, code and answers, your settings and every signed-in
          device.
        </p>
        <p>
          Want a copy first? <Link to="/history">Export your history</Link> before you delete the account.
        </p>
      </div>
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <FormAlert messages={errors.general} />
      <CurrentPasswordField
        id="profile-delete-password"
        name="password"
        label="Your password"
        ref={passwordRef}
        value={password}
        hint="Enter your password to confirm that you want to delete your account."
        onChange={(event) => {
          setPassword(event.target.value);
          if (errors.fields['password']) {
            setErrors(NO_ERRORS);
          }
        }}
        error={errors.fields['password']}
      />
    </ProfileForm>
  );
}
